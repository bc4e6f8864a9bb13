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
 * <p>After a restart the ids below the number of rows it read are those rows' ({@code base}):
 * an ident's bytes, length and hash stay in the {@link PackedAllocations} it read, shared and
 * never written, and a row whose ident an earlier row has already leaves its id a gap. Only the
 * idents added later have their bytes, lengths and hashes here ({@code own}), by id less the
 * rows'. A million restored idents thus cost three arrays of fresh memory, not six.
 */
final class Idents {
  /** The rows a restart read, whose ids these are: below {@code baseIds}; null when none. */
  private PackedAllocations base;
  private int baseIds;
  private byte[] own = new byte[256];
  private int ownUsed;

  /** By id less baseIds: where its bytes start in own, their length, their hash. */
  private int[] starts = new int[16];
  private int[] lengths = new int[16];
  private int[] hashes = new int[16];
  /** By id: the next id in its bucket + 1; by bucket: its first id + 1. */
  private int[] chain;
  private int[] heads;
  /** By id: its last entry in the allocation table + 1; 0 once the ident went (or never was). */
  int[] tail;
  private int ids;
  private int live;

  Idents() {
    allocate(AddressTable.capacityFor(0));
  }

  /**
   * The idents of a restart's rows, none of them filed yet: ids 0 to rows - 1 are theirs, and
   * {@link #fileRestored} files one.
   */
  Idents(PackedAllocations restored) {
    allocate(AddressTable.capacityFor(restored.size()));
    base = restored;
    baseIds = restored.size();
    ids = baseIds;
  }

  private void allocate(int capacity) {
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
      if (hash(id) == hash && length(id) == length && sameBytes(id, bytes, start, length)) {
        return id;
      }
    }
    return -1;
  }

  private int hash(int id) {
    return id < baseIds ? base.identHash(id) : hashes[id - baseIds];
  }

  private int length(int id) {
    return id < baseIds ? base.identLength(id) : lengths[id - baseIds];
  }

  private boolean sameBytes(int id, byte[] bytes, int start, int length) {
    if (id >= baseIds) {
      int from = starts[id - baseIds];
      return Arrays.equals(own, from, from + length, bytes, start, start + length);
    }
    int at = base.identStart(id);
    int from = base.offsetInSegment(at);
    return Arrays.equals(base.identSegment(at), from, from + length, bytes, start,
        start + length);
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
    if (ids == chain.length) {
      grow();
    }
    int id = ids++;
    int k = id - baseIds;
    if (k == starts.length) {
      starts = Arrays.copyOf(starts, k * 2);
      lengths = Arrays.copyOf(lengths, k * 2);
      hashes = Arrays.copyOf(hashes, k * 2);
    }
    starts[k] = ownUsed;
    lengths[k] = bytes.length;
    hashes[k] = hash;
    ownUsed += bytes.length;
    file(id, hash);
    return id;
  }

  /**
   * Files the ident of the restart's row {@code i} under its id, which is {@code i}, and returns
   * it: only for a row whose ident no earlier row has, before any other ident is added.
   */
  int fileRestored(int i) {
    file(i, base.identHash(i));
    return i;
  }

  private void file(int id, int hash) {
    int b = bucket(hash);
    chain[id] = heads[b];
    heads[b] = id + 1;
    live++;
  }

  /** The ident {@code id} has gone: it is no longer found; its id is not handed out again. */
  void remove(int id) {
    int b = bucket(hash(id));
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
    if (id >= baseIds) {
      return new String(own, starts[id - baseIds], lengths[id - baseIds], StandardCharsets.UTF_8);
    }
    return base.ident(id);
  }

  /** Whether the gaps left by idents that went outnumber the live ones (see the class doc). */
  boolean wantsCompaction() {
    return ids == chain.length && ids - live > live;
  }

  /**
   * Renumbers the live idents 0, 1, … in their order and copies their bytes into one array (the
   * restart's rows included); returns the new id of each old one (-1 for those gone).
   */
  int[] compact() {
    int[] renumbered = new int[ids];
    long bytes = 0;
    for (int id = 0; id < ids; id++) {
      bytes += isLive(id) ? length(id) : 0;
    }
    byte[] packed = new byte[(int) Math.max(256, bytes * 2)];
    int[] newStarts = new int[Math.max(16, chain.length)];
    int[] newLengths = new int[newStarts.length];
    int[] newHashes = new int[newStarts.length];
    int used = 0;
    int next = 0;
    for (int id = 0; id < ids; id++) {
      if (!isLive(id)) {
        renumbered[id] = -1;
        continue;
      }
      int length = length(id);
      if (id >= baseIds) {
        System.arraycopy(own, starts[id - baseIds], packed, used, length);
      } else {
        int at = base.identStart(id);
        System.arraycopy(base.identSegment(at), base.offsetInSegment(at), packed, used, length);
      }
      newStarts[next] = used;
      newLengths[next] = length;
      newHashes[next] = hash(id);
      tail[next] = tail[id];
      used += length;
      renumbered[id] = next++;
    }
    Arrays.fill(tail, next, ids, 0);
    base = null;
    baseIds = 0;
    own = packed;
    ownUsed = used;
    starts = newStarts;
    lengths = newLengths;
    hashes = newHashes;
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
    baseIds = 0;
    own = new byte[256];
    ownUsed = 0;
    starts = new int[16];
    lengths = new int[16];
    hashes = new int[16];
    ids = 0;
    live = 0;
    allocate(AddressTable.capacityFor(0));
  }

  private void grow() {
    int capacity = chain.length * 2;
    chain = Arrays.copyOf(chain, capacity);
    tail = Arrays.copyOf(tail, capacity);
    heads = new int[capacity];
    for (int id = 0; id < ids; id++) {
      if (isLive(id)) { // gone idents are in no bucket
        int b = bucket(hash(id));
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
