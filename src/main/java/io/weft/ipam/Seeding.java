package io.weft.ipam;

import io.weft.paxos.Claims;
import io.weft.paxos.NodeId;
import io.weft.paxos.Paxos;
import io.weft.ring.PeerName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one-time consensus that seeds the ring, as a state machine of its own beside the
 * {@link Allocator}: it owns Paxos until a ring exists and then has nothing more to do. It
 * answers "who seeds the ring" and nothing else: its outcomes carry the agreed seeds
 * ({@link Outcome#agreed}) for the allocator to build the ring from
 * ({@link Allocator#afterConsensus}), and the allocator's outcomes say when to start
 * ({@link Outcome#establish}) and when a ring exists ({@link Outcome#ringExists}).
 *
 * <p>It hears gossip broadcast to all (a peer's Paxos knowledge travels that way) and gossip
 * sent to it alone; it speaks by broadcast, every tick while it runs, and tells a member that
 * joins what it knows. Observers never vote (they have no Paxos), yet can ask the electors
 * to start. A peer restarted with a ring, in seed mode, or reset never starts it.
 */
public final class Seeding {
  /** What hearing another peer's Paxos knowledge asks of this machine. */
  private sealed interface Heard {
    record Nothing() implements Heard {}

    /** An observer asks the electors to seed the ring: start, as a local request would. */
    record StartAsked() implements Heard {}

    /** This node learned something others must hear: gossip. */
    record Tell() implements Heard {}

    /** A quorum agreed on these seeds. */
    record Agreed(List<PeerName> seeds) implements Heard {}
  }

  private static final Heard NOTHING = new Heard.Nothing();

  private final AllocatorConfig config;
  private Paxos paxos;
  private boolean running;
  private boolean done;
  /** What Paxos knew when last handed out to persist, to hand out only changes. */
  private Map<NodeId, Claims> persisted = Map.of();

  private Seeding(AllocatorConfig config, Paxos paxos, boolean done) {
    this.config = config;
    this.paxos = paxos;
    this.done = done;
  }

  /**
   * The machine for a peer started from {@code state}: done when a ring exists, the peer seeds
   * from a list or was reset; otherwise an elector keeps what Paxos knew (an observer has none).
   */
  public static Seeding of(AllocatorConfig config, PersistedState state) {
    if (!state.ring().isEmpty() || !config.seeds().isEmpty() || state.reset()) {
      return new Seeding(config, null, true);
    }
    NodeId me = new NodeId(config.self(), config.uid());
    Paxos paxos = config.observer() ? null : state.paxos().isEmpty()
        ? new Paxos(me, config.quorum()) : Paxos.restore(me, config.quorum(), state.paxos());
    Seeding seeding = new Seeding(config, paxos, false);
    seeding.persisted = seeding.claims();
    return seeding;
  }

  /** True once a ring exists here: nothing is left to agree on, every input is ignored. */
  public boolean done() {
    return done;
  }

  /** True from the first start until the ring exists. */
  public boolean running() {
    return running && !done;
  }

  /** The allocator needs a ring (a request waits): start unless running or done. */
  public Outcome establish(long nowMs) {
    Outcome out = new Outcome();
    if (!done && !running) {
      running = true;
      proposeOrTell(out);
    }
    return finish(out);
  }

  /** The periodic step: a new round while consensus waits (messages get lost). */
  public Outcome tick(long nowMs) {
    Outcome out = new Outcome();
    if (running()) {
      proposeOrTell(out);
    }
    return finish(out);
  }

  /**
   * A member joined: it hears what this node's Paxos knows (or, from an observer, that it has
   * none), so that a proposal counts every elector heard of.
   */
  public Outcome memberJoined(long nowMs, PeerName peer) {
    Outcome out = new Outcome();
    if (!done) {
      out.sendToSeeding(peer, gossip());
    }
    return finish(out);
  }

  /**
   * Gossip broadcast by another peer, or sent to this peer's Seeding. Gossip that carries a ring is the allocator's business
   * (merging it ends consensus through {@link #ringExists}).
   */
  public Outcome receive(long nowMs, Message message) {
    Outcome out = new Outcome();
    if (done || !(message instanceof Message.Gossip g) || g.from().equals(config.self())
        || (g.ring() != null && !g.ring().isEmpty())) {
      return out;
    }
    Heard heard = hear(g, out);
    if (heard instanceof Heard.StartAsked) {
      return establish(nowMs);
    } else if (heard instanceof Heard.Agreed agreed) {
      out.agreed = agreed.seeds();
    } else if (heard instanceof Heard.Tell) {
      out.broadcast(gossip());
    }
    return finish(out);
  }

  /** The ring exists (agreed here or received): Paxos is done for good. */
  public void ringExists() {
    done = true;
    running = false;
    paxos = null;
  }

  /** What Paxos knows, to persist; empty for observers and once done. */
  public Map<NodeId, Claims> claims() {
    return paxos == null ? Map.of() : paxos.state();
  }

  /** What is wrong with the Paxos state, if anything. */
  public Optional<String> checkInvariants() {
    return paxos == null ? Optional.empty() : paxos.checkInvariants();
  }

  /** Electors heard of, while Paxos runs. */
  public int knownElectors() {
    return paxos == null ? 0 : paxos.knownPeers().size();
  }

  /** This node's Paxos knowledge as gossip; no ring (the allocator gossips that). */
  Message.Gossip gossip() {
    return Message.Gossip.of(config, null, paxos == null ? null : paxos.state(), running());
  }

  private void proposeOrTell(Outcome out) {
    Optional<List<PeerName>> agreed = propose(out);
    if (agreed.isPresent()) {
      out.agreed = agreed.get();
    } else {
      out.broadcast(gossip());
    }
  }

  private Optional<List<PeerName>> propose(Outcome out) {
    if (paxos == null) {
      return Optional.empty();
    }
    paxos.propose();
    out.persist = true;
    return paxos.consensus();
  }

  private Heard hear(Message.Gossip g, Outcome out) {
    if (paxos == null) {
      return NOTHING;
    }
    boolean changed = g.paxos() != null && paxos.update(g.paxos());
    if (g.paxos() == null && g.observer() && g.asking() && !running) {
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

  /** Checks Paxos, reports progress, and puts the claims that changed into a persisting outcome. */
  private Outcome finish(Outcome out) {
    checkInvariants().ifPresent(problem -> {
      throw new IllegalStateException("consensus invariant broken at " + config.self() + ": "
          + problem + "; the state can no longer be trusted");
    });
    out.progress = new Outcome.Progress(running(), knownElectors());
    Map<NodeId, Claims> claims = claims();
    if (out.persist && !claims.isEmpty() && !claims.equals(persisted)) {
      out.paxos = claims;
      persisted = claims;
    }
    return out;
  }
}
