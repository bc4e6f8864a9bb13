package io.weft.ipam;

import java.util.Arrays;

/**
 * The allocations' entries by address: a hash table from the 32-bit address itself to the index
 * of its entry in {@link Allocations}, its slots and chains held in arrays.
 *
 * <p>Why not a {@code HashMap<Long, Allocation>}: that boxes every key and adds a node per
 * entry, two objects and about fifty bytes an allocation, which a restart with a million
 * allocations pays in hashing and garbage collection before it can serve, and every allocation
 * pays on the request path. Here an entry is a slot in three arrays, filled in the order entries
 * come, so a restore (in address order) writes each array front to back; the buckets spread
 * addresses like {@code HashMap} does, consecutive addresses to consecutive buckets. A scattered
 * hash (open addressing) was tried first: it wrote the references all over one large array, and
 * the garbage collector's bookkeeping for that cost seconds at a million entries.
 */
final class AddressTable {
  private static final int MIN_CAPACITY = 16;

  /** By bucket: the first entry of its chain, plus one (0: empty). */
  private int[] heads;
  /** By slot: its address, the next slot of its chain plus one (or of the free list), its value. */
  private int[] keys;
  private int[] next;
  private int[] values;
  /** Entries ever used (the rest of the arrays is untouched), and the free list's head + 1. */
  private int used;
  private int free;
  private int size;

  AddressTable() {
    this(0);
  }

  /** A table that holds {@code expected} entries without growing. */
  AddressTable(int expected) {
    int capacity = capacityFor(expected);
    heads = new int[capacity];
    keys = new int[capacity];
    next = new int[capacity];
    values = new int[capacity];
  }

  /** The power of two (at least 16) that holds {@code expected} entries; {@link Idents} too. */
  static int capacityFor(int expected) {
    int capacity = MIN_CAPACITY;
    while (capacity < 1 << 30 && capacity < expected) {
      capacity <<= 1;
    }
    return capacity;
  }

  int size() {
    return size;
  }

  /** The value filed under {@code address}; -1 when there is none. */
  int get(long address) {
    int key = (int) address;
    for (int e = heads[bucket(key)] - 1; e >= 0; e = next[e] - 1) {
      if (keys[e] == key) {
        return values[e];
      }
    }
    return -1;
  }

  /** Files {@code value} under {@code address}; false (and no change) when the address is held. */
  boolean add(long address, int value) {
    int key = (int) address;
    int b = bucket(key);
    for (int e = heads[b] - 1; e >= 0; e = next[e] - 1) {
      if (keys[e] == key) {
        return false;
      }
    }
    int e;
    if (free > 0) {
      e = free - 1;
      free = next[e];
    } else {
      if (used == values.length) {
        grow(); // every entry is live: the free list is empty
        b = bucket(key);
      }
      e = used++;
    }
    keys[e] = key;
    values[e] = value;
    next[e] = heads[b];
    heads[b] = e + 1;
    size++;
    return true;
  }

  /** Removes the entry for {@code address}; false when there was none. */
  boolean remove(long address) {
    int key = (int) address;
    int b = bucket(key);
    int previous = -1;
    for (int e = heads[b] - 1; e >= 0; previous = e, e = next[e] - 1) {
      if (keys[e] == key) {
        if (previous < 0) {
          heads[b] = next[e];
        } else {
          next[previous] = next[e];
        }
        next[e] = free;
        free = e + 1;
        size--;
        return true;
      }
    }
    return false;
  }

  void clear() {
    Arrays.fill(heads, 0);
    used = 0;
    free = 0;
    size = 0;
  }

  private void grow() {
    int capacity = values.length * 2;
    keys = Arrays.copyOf(keys, capacity);
    next = Arrays.copyOf(next, capacity);
    values = Arrays.copyOf(values, capacity);
    heads = new int[capacity];
    for (int e = 0; e < used; e++) {
      int b = bucket(keys[e]);
      next[e] = heads[b];
      heads[b] = e + 1;
    }
  }

  /** As {@code HashMap} spreads a key: the high half folded into the low. */
  private int bucket(int key) {
    return (key ^ key >>> 16) & (heads.length - 1);
  }
}
