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
      new int[0], new byte[0], 0);

  /**
   * What one builder collected, as it was when the list was made. A restart's two reading
   * threads each fill one, and the list reads both in turn rather than copying them into one:
   * at a million allocations that copy was a fifth of a second of fresh memory.
   */
  private record Part(int size, int[] addresses, byte[] shapes, int[] identStarts,
      int[] identLengths, int[] identHashes, byte[] identBytes, int bytesUsed) {}

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
    int start = identStart(i);
    return new Allocation(new String(identSegment(start), offsetInSegment(start),
        identLength(i), StandardCharsets.UTF_8), ip(i), prefix(i), container(i));
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
    return at < lower.bytesUsed ? lower.identBytes : upper.identBytes;
  }

  int offsetInSegment(int at) {
    return at < lower.bytesUsed ? at : at - lower.bytesUsed;
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
    private byte[] identBytes = new byte[256];
    private int bytesUsed;

    /**
     * One allocation, its ident being the {@code length} UTF-8 bytes of {@code ident} from
     * {@code start} (copied). Checked like an {@link Allocation}.
     */
    public void add(long address, byte[] ident, int start, int length, int prefix,
        boolean container) {
      io.weft.net.PrefixedAddress.check(address, prefix);
      if (size == addresses.length) {
        resize(size * 2);
      }
      if (identBytes.length - bytesUsed < length) {
        identBytes = Arrays.copyOf(identBytes, capped(Math.max(identBytes.length * 2L,
            (long) bytesUsed + length)));
      }
      System.arraycopy(ident, start, identBytes, bytesUsed, length);
      addresses[size] = (int) address;
      shapes[size] = (byte) (prefix << 1 | (container ? 1 : 0));
      identStarts[size] = bytesUsed;
      identLengths[size] = length;
      identHashes[size] = hash(ident, start, length);
      bytesUsed += length;
      size++;
    }

    /**
     * Room for {@code rows} more allocations with {@code identBytes} more bytes of idents, made
     * at once: growing step by step through a million copies every array about twice, into
     * fresh memory, which a restart pays for in page faults.
     */
    public void expect(long rows, long identBytes) {
      if (size + rows > addresses.length) {
        resize(capped(size + rows));
      }
      if (bytesUsed + identBytes > this.identBytes.length) {
        this.identBytes = Arrays.copyOf(this.identBytes, capped(bytesUsed + identBytes));
      }
    }

    private static int capped(long capacity) {
      return (int) Math.min(Integer.MAX_VALUE - 8, capacity);
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
          identBytes, bytesUsed);
    }
  }
}
