package io.weft.net;

import java.util.List;

/**
 * The IPv4 blocks no container can be given: "this network" 0.0.0.0/8, loopback 127.0.0.0/8 and
 * multicast 224.0.0.0/4. The kernel drops or refuses traffic from them as a source, so a range
 * that includes any of them would hand out addresses that do not work.
 *
 * <p>Why these and not a limit on the prefix: the whole space 0.0.0.0/0 and every /1 include one
 * of them, so they are refused for that reason, while a large block of unicast addresses such as
 * 128.0.0.0/2 is odd but works, and a small block inside loopback (127.0.0.0/24) does not, however
 * small. 240.0.0.0/4 (class E) is left allowed: some clusters use it as extra private space, and
 * its last address, 255.255.255.255, is a broadcast address, which is never handed out.
 */
public final class Unassignable {
  private static final List<Cidr> BLOCKS = List.of(Cidr.parse("0.0.0.0/8"),
      Cidr.parse("127.0.0.0/8"), Cidr.parse("224.0.0.0/4"));

  private Unassignable() {}

  /** The unassignable blocks that {@code range} includes any address of, in address order. */
  public static List<Cidr> within(Cidr range) {
    return BLOCKS.stream().filter(range::overlaps).toList();
  }
}
