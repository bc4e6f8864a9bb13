package io.weft.ipam;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The idents holding addresses, each a small number (its id) with its UTF-8 bytes kept in byte
 * arrays, found by a hash table of ints; the allocation table hangs each ident's last entry on
 * its id.
 *
 * <p>Ids are handed out in increasing order and never reused, so iterating ids upwards visits
 * the idents in the order they first allocated, as Weave lists them. Idents that went leave
 * gaps; once the gaps outnumber the live idents, {@link #compact} renumbers the live ones
 * (keeping their order) and rewrites their bytes into one array, which keeps memory at twice
 * what the live idents need, and each step amortised constant.
 *
 * <p>The bytes a restart read stay in the arrays it read them into ({@code base}, shared with
 * the {@link PackedAllocations} and never written); idents added later go to {@code own}.
 */
final class Idents {
  /** The idents a restart read, their bytes where it read them; null when there are none. */
  private PackedAllocations base;
  private int baseLength;
  private byte[] own = new byte[256];
  private int ownUsed;

  /** By id: where its bytes start (below baseLength: in base; else in own), their length. */
  private int[] starts;
  private int[] lengths;
  private int[] hashes;
  /** By id: the next id in its bucket + 1; by bucket: its first id + 1. */
  private int[] chain;
  private int[] heads;
  /** By id: its last entry in the allocation table + 1; 0 once the ident went. */
  int[] tail;
  private int ids;
  private int live;

  Idents() {
    this(0);
  }

  /** Room for {@code expected} idents without growing. */
  Idents(int expected) {
    allocate(AddressTable.capacityFor(expected));
  }

  private void allocate(int capacity) {
    starts = new int[capacity];
    lengths = new int[capacity];
    hashes = new int[capacity];
    chain = new int[capacity];
    tail = new int[capacity];
    heads = new int[capacity];
  }

  /** Idents that hold an address. */
  int live() {
    return live;
  }

  /** One more than the highest id handed out: ids below it are live or gone. */
  int ids() {
    return ids;
  }

  boolean isLive(int id) {
    return tail[id] != 0;
  }

  /** The id of {@code ident}; -1 when it holds no address. */
  int find(String ident) {
    byte[] bytes = ident.getBytes(StandardCharsets.UTF_8);
    return find(bytes, 0, bytes.length, PackedAllocations.hash(bytes, 0, bytes.length));
  }

  /** The id of the ident whose bytes these are; -1 when it holds no address. */
  int find(byte[] bytes, int start, int length, int hash) {
    for (int id = heads[bucket(hash)] - 1; id >= 0; id = chain[id] - 1) {
      if (hashes[id] == hash && lengths[id] == length && sameBytes(id, bytes, start)) {
        return id;
      }
    }
    return -1;
  }

  private boolean sameBytes(int id, byte[] bytes, int start) {
    int at = starts[id];
    int length = lengths[id];
    int from = offset(at);
    return Arrays.equals(segment(at), from, from + length, bytes, start, start + length);
  }

  /** The array that holds position {@code at} of the idents' bytes. */
  private byte[] segment(int at) {
    return at < baseLength ? base.identSegment(at) : own;
  }

  private int offset(int at) {
    return at < baseLength ? base.offsetInSegment(at) : at - baseLength;
  }

  /**
   * A new id for the ident of these UTF-8 bytes (all of them; {@code hash} theirs), which must
   * not be live; its entries are the caller's.
   */
  int add(byte[] bytes, int hash) {
    if (own.length - ownUsed < bytes.length) {
      own = Arrays.copyOf(own, Math.max(own.length * 2, ownUsed + bytes.length));
    }
    System.arraycopy(bytes, 0, own, ownUsed, bytes.length);
    int id = file(baseLength + ownUsed, bytes.length, hash);
    ownUsed += bytes.length;
    return id;
  }

  /**
   * A new id for the ident of {@code restored}'s allocation {@code i}, its bytes left where they
   * are; only while nothing but restored idents were added (a restart).
   */
  int addRestored(PackedAllocations restored, int i) {
    if (base != restored) {
      if (ids > 0) {
        throw new IllegalStateException("restore into a table that already holds idents");
      }
      base = restored;
      baseLength = restored.identBytesLength();
    }
    return file(restored.identStart(i), restored.identLength(i), restored.identHash(i));
  }

  private int file(int start, int length, int hash) {
    if (ids == starts.length) {
      grow();
    }
    int id = ids++;
    starts[id] = start;
    lengths[id] = length;
    hashes[id] = hash;
    int b = bucket(hash);
    chain[id] = heads[b];
    heads[b] = id + 1;
    live++;
    return id;
  }

  /** The ident {@code id} has gone: it is no longer found; its id is not handed out again. */
  void remove(int id) {
    int b = bucket(hashes[id]);
    if (heads[b] == id + 1) {
      heads[b] = chain[id];
    } else {
      int before = heads[b] - 1;
      while (chain[before] != id + 1) {
        before = chain[before] - 1;
      }
      chain[before] = chain[id];
    }
    tail[id] = 0;
    live--;
  }

  String name(int id) {
    int at = starts[id];
    return new String(segment(at), offset(at), lengths[id], StandardCharsets.UTF_8);
  }

  /** Whether the gaps left by idents that went outnumber the live ones (see the class doc). */
  boolean wantsCompaction() {
    return ids == starts.length && ids - live > live;
  }

  /**
   * Renumbers the live idents 0, 1, … in their order and copies their bytes into one array;
   * returns the new id of each old one (-1 for those gone).
   */
  int[] compact() {
    int[] renumbered = new int[ids];
    long bytes = 0;
    for (int id = 0; id < ids; id++) {
      bytes += isLive(id) ? lengths[id] : 0;
    }
    byte[] packed = new byte[(int) Math.max(256, bytes * 2)];
    int used = 0;
    int next = 0;
    for (int id = 0; id < ids; id++) {
      if (!isLive(id)) {
        renumbered[id] = -1;
        continue;
      }
      int at = starts[id];
      System.arraycopy(segment(at), offset(at), packed, used, lengths[id]);
      starts[next] = used;
      lengths[next] = lengths[id];
      hashes[next] = hashes[id];
      tail[next] = tail[id];
      used += lengths[id];
      renumbered[id] = next++;
    }
    Arrays.fill(tail, next, ids, 0);
    base = null;
    baseLength = 0;
    own = packed;
    ownUsed = used;
    ids = next;
    Arrays.fill(heads, 0);
    for (int id = 0; id < ids; id++) {
      int b = bucket(hashes[id]);
      chain[id] = heads[b];
      heads[b] = id + 1;
    }
    return renumbered;
  }

  void clear() {
    base = null;
    baseLength = 0;
    own = new byte[256];
    ownUsed = 0;
    ids = 0;
    live = 0;
    allocate(AddressTable.capacityFor(0));
  }

  private void grow() {
    int capacity = starts.length * 2;
    starts = Arrays.copyOf(starts, capacity);
    lengths = Arrays.copyOf(lengths, capacity);
    hashes = Arrays.copyOf(hashes, capacity);
    chain = Arrays.copyOf(chain, capacity);
    tail = Arrays.copyOf(tail, capacity);
    heads = new int[capacity];
    for (int id = 0; id < ids; id++) {
      if (isLive(id)) { // gone idents are in no bucket
        int b = bucket(hashes[id]);
        chain[id] = heads[b];
        heads[b] = id + 1;
      }
    }
  }

  /** As {@code HashMap} spreads a hash: the high half folded into the low. */
  private int bucket(int hash) {
    return (hash ^ hash >>> 16) & (heads.length - 1);
  }
}
