package io.weft.ipam;

import io.weft.net.Range;
import io.weft.ring.MergeResult;
import io.weft.ring.PeerName;
import io.weft.ring.Ring;
import io.weft.ring.RingConflictException;
import io.weft.ring.RingState;
import io.weft.space.Space;
import java.util.Optional;

/**
 * The ring and this peer's space changed together when another peer's ring arrives or a peer
 * asks for space: what the ring takes from us leaves the space (with the allocations there),
 * what it gives us joins it, and a donation leaves the space before the ring grants it.
 */
final class RingSpace {
  private final AllocatorConfig config;
  private final Ring ring;
  private final Space space;
  private final Allocations allocations;
  private final PeerWarnings warnings;
  private Optional<String> removal = Optional.empty();

  RingSpace(AllocatorConfig config, Ring ring, Space space, Allocations allocations,
      PeerWarnings warnings) {
    this.config = config;
    this.ring = ring;
    this.space = space;
    this.allocations = allocations;
    this.warnings = warnings;
  }

  /**
   * Why this peer must not allocate: the cluster removed it with rmpeer (a ring received says
   * so), so its ranges are another's and an address from them could be given twice. Empty until
   * a ring says so; only a new data directory ends it.
   */
  Optional<String> removal() {
    return removal;
  }

  /**
   * Merges the ring of {@code from}: what changed, or empty when it was refused (a warning, once)
   * or changed nothing.
   */
  Optional<MergeResult> merge(PeerName from, RingState theirs, Outcome out) {
    MergeResult result;
    try {
      result = ring.merge(theirs, space::hasAllocations);
    } catch (RingConflictException e) {
      warnings.refused(from, e.getMessage(), out);
      if (e.kind() == RingConflictException.Kind.REMOVED && removal.isEmpty()) {
        removal = Optional.of("this peer was removed with rmpeer by another peer (as " + from
            + " says), which now owns its old ranges, so it allocates no more: stop it, clear"
            + " its data directory and launch it again to join as a new peer");
      }
      return Optional.empty();
    }
    warnings.accepted(from);
    if (!result.changed()) {
      return Optional.empty();
    }
    for (long dropped : space.removeRanges(result.lost())) {
      allocations.at(dropped).ifPresent(a -> {
        allocations.remove(a);
        out.removed.add(a);
        out.event(EventType.FREED, a.ident(), a.address().toString(), null,
            "its range was taken over by a merge with peer " + from);
      });
    }
    space.addRanges(result.gained());
    out.persist = true;
    return Optional.of(result);
  }

  /**
   * A peer asks for space: grant it what {@link Space#donate} picks and return true, or tell it
   * that there is none.
   */
  boolean donate(Message.SpaceRequest request, Outcome out) {
    Optional<Range> chunk = request.range().overlaps(config.universe().range())
        ? space.donate(request.range().intersect(config.universe().range())) : Optional.empty();
    if (chunk.isEmpty()) {
      out.send(request.from(), new Message.SpaceDenied(config.self(), request.range()));
      return false;
    }
    ring.grantRangeToHost(chunk.get().start(), chunk.get().end(), request.from());
    out.persist = true;
    return true;
  }
}
