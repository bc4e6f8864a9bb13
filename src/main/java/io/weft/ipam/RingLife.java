package io.weft.ipam;

import io.weft.ring.MergeResult;
import io.weft.ring.PeerName;
import io.weft.ring.Ring;
import io.weft.ring.RingState;
import io.weft.space.Space;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The ring's life inside one allocator: asked of consensus and seeded from its answer, merged
 * from peers, given away in donations, gossiped, and handed out to persist when it changed.
 * Every step that changes the ring ends the same way (cheap invariants, persist, gossip, retry
 * the waiting requests), which is why they live together, apart from the requests.
 */
final class RingLife {
  private final AllocatorConfig config;
  private final Ring ring;
  private final Space space;
  private final PendingRequests pending;
  private final RingSpace ringSpace;
  private final BooleanSupplier shutDown;
  /** Consensus was asked for (or reported running) and no ring exists yet. */
  private boolean consensusRunning;
  private int knownElectors;
  private long lastGossipMs = Allocator.NEVER;
  /** The ring as last handed out to persist, to hand out only changes. */
  private RingState persisted;

  RingLife(AllocatorConfig config, Ring ring, Space space, PendingRequests pending,
      RingSpace ringSpace, BooleanSupplier shutDown) {
    this.config = config;
    this.ring = ring;
    this.space = space;
    this.pending = pending;
    this.ringSpace = ringSpace;
    this.shutDown = shutDown;
  }

  // ---- consensus ----

  /** Asks {@link Seeding} to start unless a ring exists or it already runs. */
  void establish(Outcome out) {
    if (!ring.isEmpty() || consensusRunning) {
      return;
    }
    consensusRunning = true;
    out.establish = true;
  }

  /** Takes a {@link Seeding} step's progress; true when it agreed and this peer has no ring. */
  boolean heardConsensus(Outcome consensus) {
    if (consensus.progress() != null && ring.isEmpty()) {
      consensusRunning = consensus.progress().running();
      knownElectors = consensus.progress().knownElectors();
    }
    return consensus.agreed() != null && ring.isEmpty() && !shutDown.getAsBoolean();
  }

  /** Consensus chose {@code seeds}: the ring is split among them. */
  void seed(List<PeerName> seeds, Outcome out, long nowMs) {
    ring.claimForPeers(seeds);
    space.addRanges(ring.ownedRanges());
    check();
    out.persist = true;
    achieved(out);
    broadcast(out, nowMs);
    pending.retry(out, nowMs);
  }

  private void achieved(Outcome out) {
    consensusRunning = false;
    out.ringExists = true;
    out.event(EventType.CONSENSUS_ACHIEVED, null, null, config.self().toString(), null);
    pending.ringAchieved(out);
  }

  Allocator.Consensus consensus() {
    return !ring.isEmpty() ? Allocator.Consensus.ACHIEVED
        : consensusRunning ? Allocator.Consensus.WAITING : Allocator.Consensus.DEFERRED;
  }

  /** Electors heard of while consensus runs, the seeds once it is done. */
  int knownElectors() {
    return ring.isEmpty() ? knownElectors : ring.seeds().size();
  }

  // ---- peers ----

  void merge(PeerName from, RingState theirs, Outcome out, long nowMs) {
    boolean hadRing = !ring.isEmpty();
    Optional<MergeResult> merged = ringSpace.merge(from, theirs, out);
    ringSpace.removal().ifPresent(why -> pending.failAll(why, out));
    if (merged.isEmpty()) {
      return;
    }
    check();
    if (!hadRing && !ring.isEmpty()) {
      achieved(out);
    }
    if (merged.get().reimposed()) {
      broadcast(out, nowMs);
    }
    if (merged.get().updated()) {
      pending.retry(out, nowMs);
    }
  }

  /** A peer asks for space; it gets our ring either way. */
  void donate(Message.SpaceRequest request, Outcome out) {
    if (ring.isEmpty() || ringSpace.removal().isPresent()) {
      return;
    }
    if (ringSpace.donate(request, out)) {
      check();
      out.broadcast(gossip());
    }
    out.send(request.from(), new Message.RingUpdate(config.self(), ring.state()));
  }

  void broadcast(Outcome out, long nowMs) {
    out.broadcast(gossip());
    lastGossipMs = nowMs;
  }

  /**
   * The whole state goes out now and then, as anti-entropy; not while consensus runs without a
   * ring, when {@link Seeding} gossips every tick and that gossip says all ours would.
   */
  void broadcastWhenDue(Outcome out, long nowMs) {
    if (ring.isEmpty() && consensusRunning) {
      return;
    }
    if (nowMs - lastGossipMs >= config.gossipMs()) {
      broadcast(out, nowMs);
    }
  }

  /** Our state as gossip: the ring, not Paxos (that is {@link Seeding}'s gossip). */
  Message.Gossip gossip() {
    return Message.Gossip.of(config, ring.isEmpty() ? null : ring.state(), null, false);
  }

  // ---- persisting and checking ----

  /** The ring as it is now is what the store holds (after a restore). */
  void persisted() {
    persisted = ring.state();
  }

  /** Puts into a persisting outcome the ring when it changed since the last. */
  Outcome withState(Outcome out) {
    if (!out.persist) {
      return out;
    }
    RingState now = ring.state();
    if (!now.equals(persisted)) {
      out.ring = now;
      persisted = now;
    }
    return out;
  }

  /** The cheap invariants, on in production: after every step that changed the ring. */
  void check() {
    Invariants.cheap(ring, space, shutDown.getAsBoolean()).ifPresent(problem -> {
      throw broken(config, problem);
    });
  }

  static IllegalStateException broken(AllocatorConfig config, String problem) {
    return new IllegalStateException("allocator invariant broken at " + config.self() + ": "
        + problem + "; the state can no longer be trusted");
  }
}
