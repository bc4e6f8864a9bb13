package io.weft.ring;

import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * A peer's identity: a 48-bit number written like a MAC address, {@code aa:bb:cc:dd:ee:ff}.
 * Peer names order numerically; the initial split of the universe follows that order.
 */
public record PeerName(long value) implements Comparable<PeerName> {
  private static final Pattern TEXT = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");
  private static final long MAX = (1L << 48) - 1;

  public PeerName {
    if (value < 0 || value > MAX) {
      throw new IllegalArgumentException("peer name " + value + " is not a 48-bit number");
    }
  }

  /** Parses {@code aa:bb:cc:dd:ee:ff} (either case). */
  public static PeerName parse(String text) {
    if (text == null || !TEXT.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + text
          + "' is not a peer name: write six hex pairs separated by colons, e.g. 7a:1f:00:3c:9e:01");
    }
    return new PeerName(Long.parseLong(text.replace(":", ""), 16));
  }

  public static boolean isValid(String text) {
    return text != null && TEXT.matcher(text).matches();
  }

  /**
   * A fresh random name. The locally administered bit is set and the multicast bit cleared, as
   * for a generated MAC address, so it cannot collide with a real interface's address.
   */
  public static PeerName random(RandomGenerator random) {
    long bits = random.nextLong() & MAX;
    bits |= 0x02L << 40;
    bits &= ~(0x01L << 40);
    return new PeerName(bits);
  }

  @Override
  public int compareTo(PeerName other) {
    return Long.compare(value, other.value);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(17);
    for (int shift = 40; shift >= 0; shift -= 8) {
      if (shift != 40) {
        text.append(':');
      }
      long octet = (value >>> shift) & 0xff;
      text.append(Character.forDigit((int) (octet >>> 4), 16));
      text.append(Character.forDigit((int) (octet & 0xf), 16));
    }
    return text.toString();
  }
}
