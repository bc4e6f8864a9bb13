package io.weft.net;

/**
 * IPv4 addresses as unsigned 32-bit values held in a {@code long} in {@code [0, 2^32)}.
 *
 * <p>A long rather than an int keeps comparisons and the exclusive end of the address space
 * ({@link #LIMIT}) free of sign tricks; ranges and CIDRs build on it.
 */
public final class Ip {
  /** One past the last IPv4 address: the exclusive end of the whole address space. */
  public static final long LIMIT = 1L << 32;

  private Ip() {}

  /** Parses dotted-quad text strictly: four decimal octets 0..255, no spaces, no leading '+'. */
  public static long parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
    }
    long value = 0;
    int octets = 0;
    int i = 0;
    while (i <= text.length()) {
      int start = i;
      while (i < text.length() && Character.isDigit(text.charAt(i)) && text.charAt(i) < 128) {
        i++;
      }
      int digits = i - start;
      if (digits == 0 || digits > 3) {
        throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
      }
      int octet = Integer.parseInt(text, start, i, 10);
      if (octet > 255) {
        throw new IllegalArgumentException(
            "'" + text + "' is not an IPv4 address: octet " + octet + " is over 255");
      }
      value = (value << 8) | octet;
      octets++;
      if (i == text.length()) {
        break;
      }
      if (text.charAt(i) != '.' || octets == 4) {
        throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
      }
      i++;
    }
    if (octets != 4) {
      throw new IllegalArgumentException("'" + text + "' is not an IPv4 address");
    }
    return value;
  }

  /** Dotted-quad text of an address in {@code [0, 2^32)}. */
  public static String format(long address) {
    checkAddress(address);
    return ((address >>> 24) & 0xff) + "." + ((address >>> 16) & 0xff) + "."
        + ((address >>> 8) & 0xff) + "." + (address & 0xff);
  }

  static void checkAddress(long address) {
    if (address < 0 || address >= LIMIT) {
      throw new IllegalArgumentException("address " + address + " is outside IPv4");
    }
  }
}
