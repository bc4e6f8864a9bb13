package io.weft.ipam;

import io.weft.ring.Ring;
import io.weft.space.Space;
import java.util.Optional;

/**
 * What must hold of one peer's state after every step. {@link #full} walks every allocation, so
 * it runs where assertions are on (tests, the simulator); {@link #cheap} looks only at the ring
 * and what this peer owns, and runs in production after every step that changed the ring.
 */
final class Invariants {
  private Invariants() {}

  /** The ring is well formed and the space owns exactly what the ring says this peer owns. */
  static Optional<String> cheap(Ring ring, Space space, boolean shutDown) {
    Optional<String> problem = ring.checkInvariants();
    if (problem.isPresent()) {
      return problem;
    }
    if (!shutDown && !ring.ownedRanges().equals(space.ownedRanges())) {
      return Optional.of("ring says we own " + ring.ownedRanges() + " but the space holds "
          + space.ownedRanges());
    }
    return Optional.empty();
  }

  /** The cheap checks, the space's own, and every allocation in owned space marked used. */
  static Optional<String> full(AllocatorConfig config, Ring ring, Space space,
      Allocations allocations, boolean shutDown) {
    Optional<String> problem = cheap(ring, space, shutDown).or(space::checkInvariants);
    if (problem.isPresent()) {
      return problem;
    }
    for (Allocation a : allocations.all()) {
      long address = a.ip();
      if (config.universe().contains(address) && space.isOwned(address)
          && !space.isUsed(address)) {
        return Optional.of("allocation " + a + " is free in the space");
      }
    }
    return Optional.empty();
  }
}
