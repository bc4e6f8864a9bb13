package io.weft.ipam;

import io.weft.paxos.Claims;
import io.weft.paxos.NodeId;
import io.weft.ring.RingState;
import java.util.List;
import java.util.Map;

/**
 * Everything of one peer that must survive a crash, always saved together: the ring and the
 * allocations in one transaction (never one without the other), the Paxos knowledge while
 * the ring does not exist yet, and whether this peer was reset (a reset peer handed its space
 * away: restarted under the same name it must not allocate again).
 */
public record PersistedState(RingState ring, List<Allocation> allocations,
    Map<NodeId, Claims> paxos, boolean reset) {

  public PersistedState {
    // A restart's packed list is immutable already, and copying it would build every element.
    allocations = allocations instanceof PackedAllocations ? allocations
        : List.copyOf(allocations);
    paxos = Map.copyOf(paxos);
  }

  /** The state of a peer that was not reset. */
  public PersistedState(RingState ring, List<Allocation> allocations, Map<NodeId, Claims> paxos) {
    this(ring, allocations, paxos, false);
  }
}
