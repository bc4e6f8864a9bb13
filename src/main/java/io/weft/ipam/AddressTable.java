package io.weft.ipam;

import java.util.Arrays;

/**
 * The address of each entry of {@link Allocations}, and a hash index over them: which entry
 * holds an address. The entries are numbered by the allocation table, which hands out and
 * reuses the numbers; here an entry is its address and the next entry of its bucket's chain,
 * two ints, and a bucket is the first entry of its chain.
 *
 * <p>Why not a {@code HashMap<Long, Allocation>}: that boxes every key and adds a node per
 * entry, two objects and about fifty bytes an allocation, which a restart with a million
 * allocations pays in hashing and garbage collection before it can serve, and every allocation
 * pays on the request path. The addresses are the keys themselves rather than a copy beside the
 * entries: a restart with a million allocations pays about 5 ms for every megabyte of fresh
 * arrays (the kernel's page faults, then the JVM's zeroing). A restore comes in address order
 * and writes each array front to back; the buckets spread addresses like {@code HashMap} does,
 * consecutive addresses to consecutive buckets. A scattered hash (open addressing) was tried
 * first: it wrote the references all over one large array, and the garbage collector's
 * bookkeeping for that cost seconds at a million entries.
 */
final class AddressTable {
  private static final int MIN_CAPACITY = 16;
  /** The chain link of an entry that is not in the index (never filed, or removed). */
  private static final int NOT_FILED = -1;

  /** By bucket: the first entry of its chain, plus one (0: empty). */
  private int[] heads;
  /** By entry: its address, and the next entry of its chain plus one (0: the last). */
  private int[] keys;
  private int[] next;
  /** Entries below this may be filed; those above never were since the last clear. */
  private int reach;
  private int size;

  AddressTable() {
    this(0);
  }

  /** A table that files entries 0 to {@code expected} - 1 without growing. */
  AddressTable(int expected) {
    heads = new int[capacityFor(expected)];
    keys = new int[Math.max(MIN_CAPACITY, expected)];
    next = new int[keys.length];
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

  /** The entry filed under {@code address}; -1 when there is none. */
  int get(long address) {
    int key = (int) address;
    for (int e = heads[bucket(key)] - 1; e >= 0; e = next[e] - 1) {
      if (keys[e] == key) {
        return e;
      }
    }
    return -1;
  }

  /** The address of entry {@code e}, which is filed. */
  long address(int e) {
    return Integer.toUnsignedLong(keys[e]);
  }

  /**
   * Files entry {@code e}, which is not filed, under {@code address}; false (and no change)
   * when another entry holds the address.
   */
  boolean add(long address, int e) {
    int key = (int) address;
    int b = bucket(key);
    for (int at = heads[b] - 1; at >= 0; at = next[at] - 1) {
      if (keys[at] == key) {
        return false;
      }
    }
    if (size == heads.length && heads.length < 1 << 30) {
      rehash(heads.length * 2);
      b = bucket(key);
    }
    if (e >= keys.length) {
      int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(keys.length * 2L, e + 1L));
      keys = Arrays.copyOf(keys, capacity);
      next = Arrays.copyOf(next, capacity);
    }
    for (int skipped = reach; skipped < e; skipped++) {
      next[skipped] = NOT_FILED;
    }
    reach = Math.max(reach, e + 1);
    keys[e] = key;
    next[e] = heads[b];
    heads[b] = e + 1;
    size++;
    return true;
  }

  /** Takes out the entry filed under {@code address}; returns it, or -1 when there was none. */
  int remove(long address) {
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
        next[e] = NOT_FILED;
        size--;
        return e;
      }
    }
    return -1;
  }

  void clear() {
    Arrays.fill(heads, 0);
    reach = 0;
    size = 0;
  }

  private void rehash(int capacity) {
    heads = new int[capacity];
    for (int e = 0; e < reach; e++) {
      if (next[e] != NOT_FILED) {
        int b = bucket(keys[e]);
        next[e] = heads[b];
        heads[b] = e + 1;
      }
    }
  }

  /** As {@code HashMap} spreads a key: the high half folded into the low. */
  private int bucket(int key) {
    return (key ^ key >>> 16) & (heads.length - 1);
  }
}
