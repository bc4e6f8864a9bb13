package io.weft.ipam;

import io.weft.ring.PeerName;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One peer's state as status, metrics and tests read it: a snapshot, so that it can be read
 * whole and handed on without reaching back into the allocator.
 *
 * <p>The maps by peer are sorted by peer name.
 *
 * @param ownedByPeer addresses covered by each peer's ring entries
 * @param freeByPeer the free counts each peer last reported
 * @param removedPeers peers removed with rmpeer
 * @param refusals why the ring of a peer was refused, by peer
 * @param knownElectors electors heard of while consensus runs, the seeds once it is done
 * @param quorumWarnings peers whose configured peer count differs from ours
 * @param shutDown this peer was reset and allocates no more
 */
public record AllocatorStatus(Allocator.Consensus consensus, Map<PeerName, Long> ownedByPeer,
    Map<PeerName, Long> freeByPeer, Set<PeerName> removedPeers, int ringEntries,
    Map<PeerName, String> refusals, Map<PeerName, String> nicknames, int knownElectors,
    long pendingAllocations, long pendingClaims, int activeAddresses, Set<PeerName> reachable,
    boolean shutDown, List<String> quorumWarnings) {

  public AllocatorStatus {
    ownedByPeer = Collections.unmodifiableMap(new TreeMap<>(ownedByPeer));
    freeByPeer = Collections.unmodifiableMap(new TreeMap<>(freeByPeer));
    removedPeers = Set.copyOf(removedPeers);
    refusals = Map.copyOf(refusals);
    nicknames = Map.copyOf(nicknames);
    reachable = Set.copyOf(reachable);
    quorumWarnings = List.copyOf(quorumWarnings);
  }
}
