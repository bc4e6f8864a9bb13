package io.weft.net;

/**
 * An IPv4 block {@code address/prefix} whose host bits are zero, such as {@code 10.32.0.0/12}.
 * Parsing is strict: garbage, a prefix outside 0..32 and host bits set are all refused with a
 * message that quotes the input.
 */
public record Cidr(long address, int prefix) {

  public Cidr {
    Ip.checkAddress(address);
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("prefix " + prefix + " is outside 0..32");
    }
    if ((address & hostMask(prefix)) != 0) {
      throw new IllegalArgumentException(
          "'" + Ip.format(address) + "/" + prefix + "' has host bits set");
    }
  }

  /** Parses {@code a.b.c.d/n} strictly. */
  public static Cidr parse(String text) {
    PrefixedAddress parsed = PrefixedAddress.parse(text);
    if ((parsed.address() & hostMask(parsed.prefix())) != 0) {
      long network = parsed.address() & ~hostMask(parsed.prefix());
      throw new IllegalArgumentException("'" + text + "' has host bits set (did you mean "
          + Ip.format(network) + "/" + parsed.prefix() + "?)");
    }
    return new Cidr(parsed.address(), parsed.prefix());
  }

  /** The block with this range's bounds, if the range is exactly one aligned block. */
  public static Cidr of(Range range) {
    long size = range.size();
    if (size == 0 || Long.bitCount(size) != 1 || (range.start() & (size - 1)) != 0) {
      throw new IllegalArgumentException(range + " is not a CIDR block");
    }
    return new Cidr(range.start(), 32 - Long.numberOfTrailingZeros(size));
  }

  static long hostMask(int prefix) {
    return (Ip.LIMIT - 1) >>> prefix;
  }

  public long size() {
    return 1L << (32 - prefix);
  }

  public Range range() {
    return new Range(address, address + size());
  }

  /**
   * The addresses a container may get in this subnet: the first (network) and last (broadcast)
   * addresses are left out (RFC 1122), as the original does for every requested subnet.
   */
  public Range hostRange() {
    if (size() <= 2) {
      return new Range(address, address);
    }
    return new Range(address + 1, address + size() - 1);
  }

  public boolean contains(long candidate) {
    return range().contains(candidate);
  }

  public boolean overlaps(Cidr other) {
    return range().overlaps(other.range());
  }

  /** {@code address/prefix} of one address in this subnet, the form allocations are answered in. */
  public PrefixedAddress withAddress(long hostAddress) {
    return new PrefixedAddress(hostAddress, prefix);
  }

  @Override
  public String toString() {
    return Ip.format(address) + "/" + prefix;
  }
}
