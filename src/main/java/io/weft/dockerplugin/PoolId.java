package io.weft.dockerplugin;

import io.weft.net.Cidr;

/**
 * What {@code RequestPool} answered, handed back by Docker in every later request as the opaque
 * PoolID: the network's subnet and the part of it addresses are allocated from (the
 * {@code --ip-range} Docker calls SubPool; the subnet itself when none was given).
 * Written {@code weft:10.32.0.0/16} or {@code weft:10.32.0.0/16:10.32.1.0/24}.
 */
record PoolId(Cidr pool, Cidr range) {
  private static final String PREFIX = "weft:";

  static PoolId parse(String text) {
    if (text == null || !text.startsWith(PREFIX)) {
      throw new DriverException("unknown PoolID '" + DriverException.abbreviate(text)
          + "': this network's pool was not made by weft; recreate the network with"
          + " --ipam-driver weft");
    }
    String[] parts = text.substring(PREFIX.length()).split(":", -1);
    try {
      Cidr pool = Cidr.parse(parts[0]);
      return parts.length == 1 ? new PoolId(pool, pool)
          : parts.length == 2 ? new PoolId(pool, Cidr.parse(parts[1])) : bad(text);
    } catch (IllegalArgumentException e) {
      return bad(text);
    }
  }

  private static PoolId bad(String text) {
    throw new DriverException("malformed PoolID '" + DriverException.abbreviate(text)
        + "': expected weft:SUBNET[:RANGE]; recreate the network");
  }

  @Override
  public String toString() {
    return PREFIX + pool + (range.equals(pool) ? "" : ":" + range);
  }
}
