package io.weft.ipam;

import io.weft.paxos.Claims;
import io.weft.paxos.NodeId;
import io.weft.ring.RingState;
import java.util.List;
import java.util.Map;

/**
 * Everything of one peer that must survive a crash, always saved together: the ring and the
 * allocations in one transaction (never one without the other), and the Paxos knowledge while
 * the ring does not exist yet.
 */
public record PersistedState(RingState ring, List<Allocation> allocations,
    Map<NodeId, Claims> paxos) {

  public PersistedState {
    allocations = List.copyOf(allocations);
    paxos = Map.copyOf(paxos);
  }
}
