package io.weft.ipam;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * Allocations as a restart reads them: numbers in arrays and the idents' UTF-8 bytes one after
 * another in a byte array, with no object per allocation. An element is built only when asked
 * for.
 *
 * <p>Why: a peer may hold a million allocations. As objects (an ident string and its bytes, an
 * {@link Allocation}) a restart allocated millions of them before it could serve, and the
 * garbage collector copied each of them between generations; the allocation table restores
 * from these arrays and keeps them. Immutable once built.
 */
public final class PackedAllocations extends AbstractList<Allocation> implements RandomAccess {
  private static final Part NONE = new Part(0, new int[0], new byte[0], new int[0], new int[0],
      new int[0], new byte[0][], new int[0], 0, 0);

  /**
   * What one builder collected, as it was when the list was made. A restart's two reading
   * threads each fill one, and the list reads both in turn rather than copying them into one:
   * at a million allocations that copy was a fifth of a second of fresh memory. The idents'
   * bytes are in {@code segments}, each covering the positions from its start to the next one's.
   */
  private record Part(int size, int[] addresses, byte[] shapes, int[] identStarts,
      int[] identLengths, int[] identHashes, byte[][] segments, int[] segmentStarts,
      int segmentCount, int bytesUsed) {

    /** The index of the segment that holds position {@code at}. */
    int segmentAt(int at) {
      int k = Arrays.binarySearch(segmentStarts, 0, segmentCount, at);
      return k >= 0 ? k : -k - 2;
    }
  }

  private final Part lower;
  private final Part upper;

  private PackedAllocations(Part lower, Part upper) {
    this.lower = lower;
    this.upper = upper;
  }

  /** {@code allocations} packed; the same list when it is packed already. */
  public static PackedAllocations of(List<Allocation> allocations) {
    if (allocations instanceof PackedAllocations packed) {
      return packed;
    }
    Builder b = new Builder();
    for (Allocation a : allocations) {
      byte[] ident = a.ident().getBytes(StandardCharsets.UTF_8);
      b.add(a.ip(), ident, 0, ident.length, a.prefix(), a.container());
    }
    return b.build();
  }

  @Override
  public int size() {
    return lower.size + upper.size;
  }

  @Override
  public Allocation get(int i) {
    if (i < 0 || i >= size()) {
      throw new IndexOutOfBoundsException("allocation " + i + " of " + size());
    }
    return new Allocation(ident(i), ip(i), prefix(i), container(i));
  }

  /** Allocation {@code i}'s ident. */
  String ident(int i) {
    int start = identStart(i);
    return new String(identSegment(start), offsetInSegment(start), identLength(i),
        StandardCharsets.UTF_8);
  }

  long ip(int i) {
    return Integer.toUnsignedLong(i < lower.size ? lower.addresses[i]
        : upper.addresses[i - lower.size]);
  }

  private byte shape(int i) {
    return i < lower.size ? lower.shapes[i] : upper.shapes[i - lower.size];
  }

  int prefix(int i) {
    return shape(i) >> 1;
  }

  boolean container(int i) {
    return (shape(i) & 1) != 0;
  }

  /**
   * Where allocation {@code i}'s ident starts among the bytes of both parts, the upper part's
   * counted after the lower's ({@link #identSegment} and {@link #offsetInSegment} find them).
   */
  int identStart(int i) {
    return i < lower.size ? lower.identStarts[i]
        : lower.bytesUsed + upper.identStarts[i - lower.size];
  }

  int identLength(int i) {
    return i < lower.size ? lower.identLengths[i] : upper.identLengths[i - lower.size];
  }

  int identHash(int i) {
    return i < lower.size ? lower.identHashes[i] : upper.identHashes[i - lower.size];
  }

  /** How many ident bytes both parts hold: the positions {@link #identStart} gives are below. */
  int identBytesLength() {
    return lower.bytesUsed + upper.bytesUsed;
  }

  /** The array that holds position {@code at} of the ident bytes; read-only, shared. */
  byte[] identSegment(int at) {
    Part part = at < lower.bytesUsed ? lower : upper;
    int in = at < lower.bytesUsed ? at : at - lower.bytesUsed;
    return part.segments[part.segmentAt(in)];
  }

  /** Where position {@code at} of the ident bytes is in its {@link #identSegment}. */
  int offsetInSegment(int at) {
    Part part = at < lower.bytesUsed ? lower : upper;
    int in = at < lower.bytesUsed ? at : at - lower.bytesUsed;
    return in - part.segmentStarts[part.segmentAt(in)];
  }

  /** The hash an ident's UTF-8 bytes are filed under, here and in the allocation table. */
  static int hash(byte[] bytes, int start, int length) {
    int h = 0;
    for (int i = start, end = start + length; i < end; i++) {
      h = 31 * h + bytes[i];
    }
    return h;
  }

  /**
   * Collects allocations in the order they come, from one thread. A restart fills one per
   * reading thread and {@link #concat joins} them.
   */
  public static final class Builder {
    private int size;
    private int[] addresses = new int[16];
    private byte[] shapes = new byte[16];
    private int[] identStarts = new int[16];
    private int[] identLengths = new int[16];
    private int[] identHashes = new int[16];
    /** The idents' bytes: arrays a reader handed over, or this builder's own copies. */
    private byte[][] segments = new byte[4][];
    private int[] segmentStarts = new int[4];
    private int segmentCount;
    /** Positions covered by the segments so far; the own segment's free room starts at fill. */
    private int bytesUsed;
    private byte[] own;
    private int fill;

    /**
     * One allocation, its ident being the {@code length} UTF-8 bytes of {@code ident} from
     * {@code start}, copied. Checked like an {@link Allocation}.
     */
    public void add(long address, byte[] ident, int start, int length, int prefix,
        boolean container) {
      if (own == null || own.length - fill < length) {
        // A new segment rather than a bigger copy: what was filled stays where it is.
        own = new byte[Math.max(length, own == null ? 256 : (int) Math.min(1 << 24,
            own.length * 2L))];
        fill = 0;
        segment(own);
      }
      System.arraycopy(ident, start, own, fill, length);
      row(address, segmentStarts[segmentCount - 1] + fill, own, fill, length, prefix,
          container);
      fill += length;
    }

    /**
     * One allocation whose ident is the {@code length} UTF-8 bytes of {@code bytes} from
     * {@code start}, kept where they are: the caller never writes to {@code bytes} again. A
     * restart hands over each chunk it read this way, so no ident is copied.
     */
    public void addInPlace(long address, byte[] bytes, int start, int length, int prefix,
        boolean container) {
      if (segmentCount == 0 || segments[segmentCount - 1] != bytes) {
        own = null; // the next copy starts a segment after this one
        segment(bytes);
      }
      row(address, segmentStarts[segmentCount - 1] + start, bytes, start, length, prefix,
          container);
    }

    private void segment(byte[] bytes) {
      if (segmentCount == segments.length) {
        segments = Arrays.copyOf(segments, segmentCount * 2);
        segmentStarts = Arrays.copyOf(segmentStarts, segmentCount * 2);
      }
      if ((long) bytesUsed + bytes.length > Integer.MAX_VALUE) {
        throw new IllegalStateException("more than 2 GiB of idents");
      }
      segments[segmentCount] = bytes;
      segmentStarts[segmentCount++] = bytesUsed;
      bytesUsed += bytes.length;
    }

    private void row(long address, int at, byte[] bytes, int start, int length, int prefix,
        boolean container) {
      io.weft.net.PrefixedAddress.check(address, prefix);
      if (size == addresses.length) {
        resize(size * 2);
      }
      addresses[size] = (int) address;
      shapes[size] = (byte) (prefix << 1 | (container ? 1 : 0));
      identStarts[size] = at;
      identLengths[size] = length;
      identHashes[size] = hash(bytes, start, length);
      size++;
    }

    /**
     * Room for {@code rows} more allocations, made at once: growing step by step through a
     * million copies every array about twice, into fresh memory, which a restart pays for in
     * page faults.
     */
    public void expect(long rows) {
      if (size + rows > addresses.length) {
        resize((int) Math.min(Integer.MAX_VALUE - 8, size + rows));
      }
    }

    private void resize(int capacity) {
      addresses = Arrays.copyOf(addresses, capacity);
      shapes = Arrays.copyOf(shapes, capacity);
      identStarts = Arrays.copyOf(identStarts, capacity);
      identLengths = Arrays.copyOf(identLengths, capacity);
      identHashes = Arrays.copyOf(identHashes, capacity);
    }

    public PackedAllocations build() {
      return new PackedAllocations(part(), NONE);
    }

    /** The allocations of {@code first}, then those of {@code second}; neither is copied. */
    public static PackedAllocations concat(Builder first, Builder second) {
      return new PackedAllocations(first.part(), second.part());
    }

    private Part part() {
      return new Part(size, addresses, shapes, identStarts, identLengths, identHashes,
          segments, segmentStarts, segmentCount, bytesUsed);
    }
  }
}
