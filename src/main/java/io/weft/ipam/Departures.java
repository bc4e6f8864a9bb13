package io.weft.ipam;

import io.weft.ring.PeerName;
import io.weft.ring.Ring;
import io.weft.space.Space;
import java.util.Optional;

/**
 * Peers leaving the ring: another peer's entries taken over (rmpeer), or this peer's handed to
 * an heir when it is reset. Both move whole entries with a version jump, so that they beat
 * concurrent edits by the old owner.
 */
final class Departures {
  private final AllocatorConfig config;
  private final Ring ring;
  private final Space space;
  private final Allocations allocations;
  private final ContainerGrace grace;
  private final PendingRequests pending;
  private final Peers peers;
  private final RingLife life;

  Departures(AllocatorConfig config, Ring ring, Space space, Allocations allocations,
      ContainerGrace grace, PendingRequests pending, Peers peers, RingLife life) {
    this.config = config;
    this.ring = ring;
    this.space = space;
    this.allocations = allocations;
    this.grace = grace;
    this.pending = pending;
    this.peers = peers;
    this.life = life;
  }

  /** Takes over every entry of {@code who} unless refused; completes {@code requestId}. */
  void rmpeer(long nowMs, long requestId, String who, boolean force, Outcome out) {
    Optional<PeerName> peer = peers.resolve(who);
    Optional<Result> refusal = peers.whyNotRemovable(who, peer, config.self(), force);
    if (refusal.isPresent()) {
      out.complete(requestId, refusal.get());
      return;
    }
    if (neverSeen(peer.get())) {
      // Weave answers a name it never met with nothing taken over. Recording it as removed would
      // only list a phantom peer in every status for good, and it holds nothing to protect.
      out.complete(requestId, Result.ok("0 IPs taken over from " + peer.get()));
      return;
    }
    long taken = ring.transfer(peer.get(), config.self(), true);
    space.addRanges(ring.ownedRanges());
    life.check();
    out.persist = true;
    life.broadcast(out, nowMs);
    pending.retry(out, nowMs);
    out.complete(requestId, Result.ok(taken + " IPs taken over from "
        + peers.describe(peer.get())));
  }

  /** No ring entry, gossip or membership of this peer has ever reached us. */
  private boolean neverSeen(PeerName peer) {
    return !ring.owners().contains(peer) && !ring.removed().contains(peer)
        && !peers.nicknames.containsKey(peer) && !peers.reachable.contains(peer);
  }

  /** Fails every waiting request: the agent stops; nothing else changes. */
  void stopping(Outcome out) {
    pending.failAll("weft is shutting down: try again once it is back", out);
  }

  /** Fails every waiting request, hands our entries to a live heir and forgets every address. */
  void reset(long nowMs, Outcome out) {
    pending.failAll("weft is shutting down", out);
    Optional<PeerName> heir = peers.heir(ring.owners(), config.self());
    if (heir.isPresent() && !ring.ownedRanges().isEmpty()) {
      ring.transfer(config.self(), heir.get(), false);
      life.broadcast(out, nowMs);
    }
    space.clear();
    out.removed.addAll(allocations.all());
    allocations.all().forEach(a -> out.event(EventType.FREED, a.ident(), a.address().toString(),
        null, "this peer was reset"));
    allocations.clear();
    grace.clear();
  }
}
