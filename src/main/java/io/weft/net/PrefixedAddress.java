package io.weft.net;

/**
 * One address together with the prefix of its subnet, {@code 10.32.0.9/12}: the form in which
 * allocations are answered and claims are asked. Host bits are the point here, so they are
 * allowed; the subnet is {@link #subnet()}.
 */
public record PrefixedAddress(long address, int prefix) {

  public PrefixedAddress {
    check(address, prefix);
  }

  /**
   * Throws unless {@code address} is an IPv4 address and {@code prefix} is 0..32: the check of
   * this record, for holders that keep the two as numbers.
   */
  public static void check(long address, int prefix) {
    Ip.checkAddress(address);
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("prefix " + prefix + " is outside 0..32");
    }
  }

  /** Parses {@code a.b.c.d/n}; the prefix must be a decimal number 0..32. */
  public static PrefixedAddress parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("'null' is not an address/prefix");
    }
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "'" + text + "' has no prefix: write it as address/prefix, e.g. 10.32.0.0/12");
    }
    long address;
    try {
      address = Ip.parse(text.substring(0, slash));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "' does not start with an IPv4 address");
    }
    String prefixText = text.substring(slash + 1);
    if (prefixText.isEmpty() || prefixText.length() > 2
        || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("'" + text + "' has a bad prefix: use a number 0..32");
    }
    int prefix = Integer.parseInt(prefixText);
    if (prefix > 32) {
      throw new IllegalArgumentException(
          "'" + text + "' has prefix " + prefix + ", outside 0..32");
    }
    return new PrefixedAddress(address, prefix);
  }

  public Cidr subnet() {
    return new Cidr(address & ~Cidr.hostMask(prefix), prefix);
  }

  @Override
  public String toString() {
    return Ip.format(address) + "/" + prefix;
  }
}
