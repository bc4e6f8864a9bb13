package io.weft.net;

import java.util.ArrayList;
import java.util.List;

/**
 * A half-open range of IPv4 addresses {@code [start, end)}, never wrapping: {@code end} may be
 * {@link Ip#LIMIT}. Ranges that wrap around a universe are split in two by their owner (the ring).
 */
public record Range(long start, long end) implements Comparable<Range> {

  public Range {
    if (start < 0 || end > Ip.LIMIT || start > end) {
      throw new IllegalArgumentException("invalid range [" + start + ", " + end + ")");
    }
  }

  public static Range of(String first, String endExclusive) {
    return new Range(Ip.parse(first), Ip.parse(endExclusive));
  }

  public long size() {
    return end - start;
  }

  public boolean isEmpty() {
    return end == start;
  }

  public boolean contains(long address) {
    return address >= start && address < end;
  }

  public boolean contains(Range other) {
    return other.start >= start && other.end <= end;
  }

  public boolean overlaps(Range other) {
    return start < other.end && other.start < end;
  }

  /** The common part, or an empty range at {@code max(start)} when there is none. */
  public Range intersect(Range other) {
    long s = Math.max(start, other.start);
    long e = Math.min(end, other.end);
    return e > s ? new Range(s, e) : new Range(s, s);
  }

  /**
   * The largest power-of-two sized block aligned on its own size that lies inside this range;
   * empty for an empty range. It is always larger than a quarter of the range.
   */
  public Range biggestCidr() {
    if (isEmpty()) {
      return this;
    }
    // For each block size from the largest down, the first aligned start at or after 'start'.
    for (int bits = 32; bits >= 0; bits--) {
      long blockSize = 1L << bits;
      if (blockSize > size()) {
        continue;
      }
      long alignedStart = (start + blockSize - 1) & -blockSize;
      if (alignedStart + blockSize <= end) {
        return new Range(alignedStart, alignedStart + blockSize);
      }
    }
    throw new AssertionError("a non-empty range holds a block of size 1");
  }

  /** The fewest CIDR blocks that exactly cover this range, in address order. */
  public List<Cidr> toCidrs() {
    List<Cidr> blocks = new ArrayList<>();
    long at = start;
    while (at < end) {
      long alignment = at == 0 ? Ip.LIMIT : Long.lowestOneBit(at);
      long blockSize = alignment;
      while (blockSize > end - at) {
        blockSize >>>= 1;
      }
      blocks.add(new Cidr(at, 32 - Long.numberOfTrailingZeros(blockSize)));
      at += blockSize;
    }
    return blocks;
  }

  @Override
  public int compareTo(Range other) {
    int c = Long.compare(start, other.start);
    return c != 0 ? c : Long.compare(end, other.end);
  }

  /** Weave's notation: first and last address, {@code 10.32.0.0-10.32.0.255}. */
  @Override
  public String toString() {
    if (isEmpty()) {
      return Ip.format(start == Ip.LIMIT ? 0 : start) + " (empty)";
    }
    return Ip.format(start) + "-" + Ip.format(end - 1);
  }
}
