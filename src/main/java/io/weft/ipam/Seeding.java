package io.weft.ipam;

import io.weft.paxos.Claims;
import io.weft.paxos.NodeId;
import io.weft.paxos.Paxos;
import io.weft.ring.PeerName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one-time consensus that seeds the ring, as its own state machine: it owns Paxos until a
 * ring exists and then has nothing more to do. It answers "who seeds the ring" and nothing
 * else; creating the ring from that answer is the {@link Allocator}'s business. Observers never
 * vote (they have no Paxos), yet can ask the electors to start. A peer restarted with a ring
 * never starts it again.
 */
final class Seeding {
  /** What hearing another peer's Paxos knowledge asks of the caller. */
  sealed interface Heard {
    /** Nothing to do. */
    record Nothing() implements Heard {}

    /** An observer asks the electors to seed the ring: start, as a local request would. */
    record StartAsked() implements Heard {}

    /** This node learned something others must hear: gossip. */
    record Tell() implements Heard {}

    /** A quorum agreed on these seeds. */
    record Agreed(List<PeerName> seeds) implements Heard {}
  }

  private static final Heard NOTHING = new Heard.Nothing();

  private Paxos paxos;
  private boolean running;

  private Seeding(Paxos paxos) {
    this.paxos = paxos;
  }

  /** A fresh peer: an elector has Paxos, an observer has none. */
  static Seeding fresh(AllocatorConfig config) {
    return new Seeding(config.observer() ? null
        : new Paxos(new NodeId(config.self(), config.uid()), config.quorum()));
  }

  /** A restarted peer that had no ring yet: its electors keep what Paxos knew. */
  static Seeding restore(AllocatorConfig config, Map<NodeId, Claims> persisted) {
    if (config.observer() || persisted.isEmpty()) {
      return fresh(config);
    }
    return new Seeding(Paxos.restore(new NodeId(config.self(), config.uid()), config.quorum(),
        persisted));
  }

  /** A peer that has a ring: nothing left to agree on. */
  static Seeding done() {
    return new Seeding(null);
  }

  /** True from the first start until the ring exists. */
  boolean running() {
    return running;
  }

  /**
   * Starts consensus (a request waits, or an observer asked). Returns the seeds when this node
   * alone already decides; otherwise the caller gossips to start the others.
   */
  Optional<List<PeerName>> start(Outcome out) {
    running = true;
    return propose(out);
  }

  /** A new round, as the periodic step makes while consensus waits. */
  Optional<List<PeerName>> propose(Outcome out) {
    if (paxos == null) {
      return Optional.empty();
    }
    paxos.propose();
    out.persist = true;
    return paxos.consensus();
  }

  /** Gossip from a peer while this one has no ring. */
  Heard hear(Message.Gossip g, Outcome out) {
    if (paxos == null) {
      return NOTHING;
    }
    boolean changed = g.paxos() != null && paxos.update(g.paxos());
    if (g.paxos() == null && g.observer() && !running) {
      return new Heard.StartAsked();
    }
    if (!changed && !running) {
      return NOTHING;
    }
    boolean mine = paxos.think();
    // A promise or an acceptance must survive a crash, or a restarted peer could vote twice.
    out.persist |= mine;
    if (running) {
      Optional<List<PeerName>> agreed = paxos.consensus();
      if (agreed.isPresent()) {
        return new Heard.Agreed(agreed.get());
      }
    }
    return mine ? new Heard.Tell() : NOTHING;
  }

  /** The ring exists (agreed here or received): Paxos is done for good. */
  void achieved() {
    running = false;
    paxos = null;
  }

  /** What Paxos knows, to gossip and to persist; empty for observers and once done. */
  Map<NodeId, Claims> claims() {
    return paxos == null ? Map.of() : paxos.state();
  }

  boolean hasPaxos() {
    return paxos != null;
  }

  /** Electors heard of, while Paxos runs. */
  int knownElectors() {
    return paxos == null ? 0 : paxos.knownPeers().size();
  }

  /** What is wrong with the Paxos state, if anything. */
  Optional<String> checkInvariants() {
    return paxos == null ? Optional.empty() : paxos.checkInvariants();
  }
}
