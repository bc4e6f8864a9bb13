package io.weft.ring;

import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.Range;
import java.util.List;
import java.util.Set;

/** Fixtures shared by the ring tests: the original's 256-address ring and three peers. */
final class Rings {
  static final PeerName PEER1 = PeerName.parse("01:00:00:00:02:00");
  static final PeerName PEER2 = PeerName.parse("02:00:00:00:02:00");
  static final PeerName PEER3 = PeerName.parse("03:00:00:00:02:00");
  static final Range SMALL = Cidr.parse("10.0.0.0/24").range();
  static final long START = SMALL.start();

  private Rings() {}

  static long ip(String text) {
    return Ip.parse(text);
  }

  static Ring ring(PeerName self) {
    return new Ring(SMALL, self);
  }

  static RingState state(Range universe, List<PeerName> seeds, Entry... entries) {
    return new RingState(universe, List.of(entries), seeds, Set.of());
  }

  /** A range of ours never holds allocations in these tests unless a test says otherwise. */
  static boolean noAllocations(Range r) {
    return false;
  }
}
