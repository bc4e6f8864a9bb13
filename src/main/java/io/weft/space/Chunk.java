package io.weft.space;

import io.weft.net.Range;

/**
 * The in-use bits of one owned range, one bit per address (128 KiB for a /12). Bits past the end
 * of the range in the last word are kept set, so searches for a free bit never stop there.
 * {@code firstMaybeFree} is the lowest word that may hold a free bit: every word below it is
 * full, which keeps lowest-free-first allocation O(1) amortised however full the chunk is.
 */
final class Chunk {
  final long start;
  final long end;
  private final long[] words;
  private long used;
  private int firstMaybeFree;

  Chunk(long start, long end) {
    if (end <= start) {
      throw new IllegalArgumentException("empty chunk");
    }
    this.start = start;
    this.end = end;
    long size = end - start;
    this.words = new long[(int) ((size + 63) >>> 6)];
    int tail = (int) (size & 63);
    if (tail != 0) {
      words[words.length - 1] = -1L << tail;
    }
  }

  Range range() {
    return new Range(start, end);
  }

  long size() {
    return end - start;
  }

  long used() {
    return used;
  }

  boolean contains(long address) {
    return address >= start && address < end;
  }

  boolean isUsed(long address) {
    long offset = address - start;
    return (words[(int) (offset >>> 6)] & (1L << offset)) != 0;
  }

  void set(long address) {
    long offset = address - start;
    int w = (int) (offset >>> 6);
    long bit = 1L << offset;
    if ((words[w] & bit) != 0) {
      throw new IllegalStateException("address already in use");
    }
    words[w] |= bit;
    used++;
  }

  void clear(long address) {
    long offset = address - start;
    int w = (int) (offset >>> 6);
    long bit = 1L << offset;
    if ((words[w] & bit) == 0) {
      throw new IllegalStateException("address not in use");
    }
    words[w] &= ~bit;
    used--;
    if (w < firstMaybeFree) {
      firstMaybeFree = w;
    }
  }

  /** The lowest free address in {@code [from, to)} (clipped to this chunk), or -1. */
  long nextFree(long from, long to) {
    long lo = Math.max(from, start) - start;
    long hi = Math.min(to, end) - start;
    if (lo >= hi) {
      return -1;
    }
    int first = (int) (lo >>> 6);
    // The hint may only move if the search skipped no bit at or above it.
    boolean fromHint = lo <= ((long) firstMaybeFree << 6);
    int w = Math.max(first, firstMaybeFree);
    int last = (int) ((hi - 1) >>> 6);
    long mask = w == first ? -1L << lo : -1L;
    for (; w <= last; w++, mask = -1L) {
      long free = ~words[w] & mask;
      if (free != 0) {
        if (fromHint) {
          firstMaybeFree = w;
        }
        long offset = ((long) w << 6) + Long.numberOfTrailingZeros(free);
        return offset < hi ? start + offset : -1;
      }
    }
    if (fromHint && hi == size()) {
      firstMaybeFree = words.length;
    }
    return -1;
  }

  /** The lowest used address in {@code [from, to)} (clipped to this chunk), or -1. */
  long nextUsed(long from, long to) {
    long lo = Math.max(from, start) - start;
    long hi = Math.min(to, end) - start;
    if (lo >= hi) {
      return -1;
    }
    int last = (int) ((hi - 1) >>> 6);
    long mask = -1L << lo;
    for (int w = (int) (lo >>> 6); w <= last; w++, mask = -1L) {
      long inUse = words[w] & mask;
      if (inUse != 0) {
        long offset = ((long) w << 6) + Long.numberOfTrailingZeros(inUse);
        return offset < hi ? start + offset : -1;
      }
    }
    return -1;
  }

  /** How many addresses of {@code [from, to)} (clipped to this chunk) are in use. */
  long countUsed(long from, long to) {
    long lo = Math.max(from, start) - start;
    long hi = Math.min(to, end) - start;
    if (lo >= hi) {
      return 0;
    }
    if (lo == 0 && hi == size()) {
      return used;
    }
    int first = (int) (lo >>> 6);
    int last = (int) ((hi - 1) >>> 6);
    long count = 0;
    for (int w = first; w <= last; w++) {
      long mask = -1L;
      if (w == first) {
        mask &= -1L << lo;
      }
      if (w == last && (hi & 63) != 0) {
        mask &= -1L >>> (64 - (hi & 63));
      }
      count += Long.bitCount(words[w] & mask);
    }
    return count;
  }

  /** A new chunk for {@code [from, to)} inside this one, with the same bits. */
  Chunk slice(long from, long to) {
    Chunk part = new Chunk(from, to);
    for (long a = nextUsed(from, to); a >= 0; a = nextUsed(a + 1, to)) {
      part.set(a);
    }
    return part;
  }

  /** The recorded count agrees with the bits. */
  boolean consistent() {
    long count = 0;
    for (long word : words) {
      count += Long.bitCount(word);
    }
    int tail = (int) (size() & 63);
    long padding = tail == 0 ? 0 : 64 - tail;
    boolean hintHolds = true;
    for (int w = 0; w < Math.min(firstMaybeFree, words.length); w++) {
      hintHolds &= words[w] == -1L;
    }
    return count - padding == used && hintHolds;
  }
}
