package io.weft.space;

import io.weft.net.Range;

/**
 * The in-use bits of one owned range, one bit per address (128 KiB for a /12). Bits past the end
 * of the range in the last word are kept set, so searches for a free bit never stop there.
 * A search for a free address remembers how far it found every address in use, from where it
 * began; the next search from there (allocations in one subnet all search from its second
 * address) starts where that one ended, which keeps lowest-free-first allocation O(1)
 * amortised however full the chunk is. Freeing an address inside such a stretch shortens it.
 * A few stretches are kept, one per place searched from, so that allocations alternating
 * between subnets of one range (two Docker networks, say) do not erase each other's.
 */
final class Chunk {
  final long start;
  final long end;
  private final long[] words;
  private long used;
  private static final int HINTS = 8;
  // Hint i: every address from offset hintFrom[i] up to word hintWord[i] is in use, as a search
  // for a free address from there found, so that the next one from there starts past it.
  private final long[] hintFrom = new long[HINTS];
  private final int[] hintWord = new int[HINTS];
  private int nextHint;

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
    for (int i = 0; i < HINTS; i++) {
      if (offset >= hintFrom[i] && w < hintWord[i]) {
        hintWord[i] = w;
      }
    }
  }

  /** The lowest free address in {@code [from, to)} (clipped to this chunk), or -1. */
  long nextFree(long from, long to) {
    long lo = Math.max(from, start) - start;
    long hi = Math.min(to, end) - start;
    if (lo >= hi) {
      return -1;
    }
    int hint = hintCovering(lo);
    int w = hint >= 0 ? hintWord[hint] : (int) (lo >>> 6);
    long mask = hint >= 0 ? -1L : -1L << lo;
    int last = (int) ((hi - 1) >>> 6);
    for (; w <= last; w++, mask = -1L) {
      long free = ~words[w] & mask;
      if (free != 0) {
        remember(hint, lo, w);
        long offset = ((long) w << 6) + Long.numberOfTrailingZeros(free);
        return offset < hi ? start + offset : -1;
      }
    }
    remember(hint, lo, w);
    return -1;
  }

  /** The hint whose stretch holds offset {@code lo} and reaches furthest, or -1. */
  private int hintCovering(long lo) {
    int best = -1;
    for (int i = 0; i < HINTS; i++) {
      if (hintFrom[i] <= lo && lo < (long) hintWord[i] << 6
          && (best < 0 || hintWord[i] > hintWord[best])) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Every address from where the search began up to word {@code word} was found in use: that
   * hint reaches further, or a new one (replacing the oldest) starts at {@code lo}.
   */
  private void remember(int hint, long lo, int word) {
    if (hint >= 0) {
      hintWord[hint] = word;
    } else if ((long) word << 6 > lo) {
      hintFrom[nextHint] = lo;
      hintWord[nextHint] = word;
      nextHint = (nextHint + 1) % HINTS;
    }
  }

  /** The word a search from offset {@code lo} would start at (tests). */
  int searchStartsAt(long lo) {
    int hint = hintCovering(lo);
    return hint >= 0 ? hintWord[hint] : (int) (lo >>> 6);
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
    for (int i = 0; i < HINTS; i++) {
      long hinted = Math.min((long) hintWord[i] << 6, (long) words.length << 6);
      for (long a = hintFrom[i]; a < hinted; a = ((a >>> 6) + 1) << 6) {
        long mask = -1L << a;
        hintHolds &= (words[(int) (a >>> 6)] & mask) == mask;
      }
    }
    return count - padding == used && hintHolds;
  }
}
