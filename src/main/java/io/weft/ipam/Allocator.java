package io.weft.ipam;

import io.weft.net.Cidr;
import io.weft.net.PrefixedAddress;
import io.weft.ring.PeerName;
import io.weft.ring.Ring;
import io.weft.ring.RingConflictException;
import io.weft.ring.RingState;
import io.weft.space.Space;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One peer's IPAM behaviour as a deterministic state machine: the ring, the local space, the
 * allocations and the requests waiting. The one-time consensus that seeds the ring is a machine
 * of its own, {@link Seeding}: this one asks it to start ({@link Outcome#establish}), takes its
 * answer ({@link #afterConsensus}) and says when a ring exists ({@link Outcome#ringExists}).
 *
 * <p>Every input is a method call that takes the current time; every effect comes back as an
 * {@link Outcome} for the caller to carry out. No threads, no clock, no I/O; randomness comes
 * from the generator passed in. Not thread-safe: one caller (an event loop, or the simulator).
 */
public final class Allocator {
  /** The states of the seed: nothing asked yet; consensus running; a ring exists. */
  public enum Consensus { DEFERRED, WAITING, ACHIEVED }

  /** "Long ago" for last-done times: far in the past, yet {@code now - NEVER} cannot overflow. */
  static final long NEVER = Long.MIN_VALUE / 4;

  private final AllocatorConfig config;
  private final RandomGenerator random;
  private final Ring ring;
  private final Space space = new Space();
  private final Allocations allocations = new Allocations();
  private final Ledger ledger = new Ledger(allocations, space);
  private final Peers peers = new Peers();
  private final ContainerGrace grace;
  private final PendingRequests pending;
  private final ClaimAttempts claims;
  private boolean shutDown;
  private final PeerWarnings warnings;
  private final Releases releases;
  private final RingSpace ringSpace;
  private final RingLife life;
  private final Departures departures;

  public Allocator(AllocatorConfig config, RandomGenerator random) {
    this(config, random, true);
  }

  private Allocator(AllocatorConfig config, RandomGenerator random, boolean seedNow) {
    this.config = config;
    this.random = random;
    this.ring = new Ring(config.universe().range(), config.self());
    this.grace = new ContainerGrace(config.containerGraceMs(), allocations, ledger);
    this.claims = new ClaimAttempts(config, ring, space, allocations, ledger, peers, grace);
    this.pending = new PendingRequests(config, ring, space, allocations, ledger, peers, claims,
        random);
    this.warnings = new PeerWarnings(config, peers);
    this.releases = new Releases(allocations, ledger, pending, grace);
    this.ringSpace = new RingSpace(config, ring, space, allocations, warnings);
    this.life = new RingLife(config, ring, space, pending, ringSpace, () -> shutDown);
    this.departures = new Departures(config, ring, space, allocations, grace, pending, peers,
        life);
    peers.nicknames.put(config.self(), config.nickname());
    if (seedNow && seedFromList()) {
      space.addRanges(ring.ownedRanges());
    }
  }

  /**
   * Seed mode: a peer with no ring builds the ring split among the configured seeds at once,
   * without Paxos, exactly as consensus would split it among an agreed peer set; every peer given
   * the same list builds the same ring. A ring already there (persisted) wins; one received from
   * peers seeded by another list is refused by the merge, as rings with different seeds are.
   */
  private boolean seedFromList() {
    if (config.seeds().isEmpty() || !ring.isEmpty()) {
      return false;
    }
    ring.claimForPeers(config.seeds());
    return true;
  }

  /**
   * An allocator restarted from persisted state: the ring and the allocations (re-claimed in the
   * space). What Paxos knew is {@link Seeding}'s.
   */
  public static Allocator restore(AllocatorConfig config, RandomGenerator random,
      PersistedState state) {
    Allocator allocator = new Allocator(config, random, false);
    if (!state.ring().isEmpty()) {
      try {
        allocator.ring.merge(state.ring(), r -> false);
      } catch (RingConflictException e) {
        throw new IllegalArgumentException("the persisted ring cannot be used: " + e.getMessage());
      }
    } else {
      allocator.seedFromList();
    }
    allocator.shutDown = state.reset();
    allocator.space.addRanges(allocator.ring.ownedRanges());
    allocator.ledger.restore(state.allocations());
    // Restoring marks every allocation in owned space used, so the full walk (a quarter of a
    // second at a million allocations) only runs where assertions are on, as after every step.
    Invariants.cheap(allocator.ring, allocator.space, allocator.shutDown)
        .ifPresent(allocator::broken);
    assert allocator.invariantsHold();
    allocator.life.persisted();
    return allocator;
  }

  // ---- requests that may wait ----

  /** Allocate an address for {@code ident} in {@code subnet} (idempotent). May wait. */
  public Outcome allocate(long nowMs, long requestId, String ident, Cidr subnet,
      boolean container) {
    Outcome out = new Outcome();
    if (refuseWhenShutDown(out, requestId) || refuseWhenRemoved(out, requestId)) {
      return out;
    }
    if (!subnet.overlaps(config.universe())) {
      out.complete(requestId, Result.failed(ResultCode.BAD_REQUEST, "range " + subnet
          + " out of bounds: " + config.universe() + " (allocate inside --ipalloc-range)"));
      return out;
    }
    OptionalLong existing = allocations.in(ident, subnet);
    if (existing.isPresent()) {
      // Weave answers with the subnet asked for, whatever subnet the address was given in.
      grace.alive(ident);
      out.complete(requestId, Result.ok(subnet.withAddress(existing.getAsLong()).toString()));
      return out;
    }
    pending.add(new Pending.Allocate(requestId, ident, subnet, container));
    life.establish(out);
    pending.retry(out, nowMs);
    return finish(out);
  }

  /**
   * Claim a specific address for {@code ident}. Outside the universe it is only recorded; inside
   * it must be free, and an address owned by another peer is asked of that peer. May wait.
   */
  public Outcome claim(long nowMs, long requestId, String ident, PrefixedAddress address,
      boolean noErrorOnUnknown, boolean container) {
    Outcome out = new Outcome();
    if (refuseWhenShutDown(out, requestId) || refuseWhenRemoved(out, requestId)) {
      return out;
    }
    if (!config.universe().contains(address.address())) {
      out.complete(requestId, claims.outsideUniverse(ident, address, container, out));
      return finish(out);
    }
    grace.alive(ident);
    pending.add(new Pending.Claim(requestId, ident, address, noErrorOnUnknown, container));
    life.establish(out);
    pending.retry(out, nowMs);
    return finish(out);
  }

  /** Wait until this peer has a ring, starting consensus if nobody has yet. May wait. */
  public Outcome prime(long nowMs, long requestId) {
    Outcome out = new Outcome();
    // A peer removed with rmpeer still has a ring to show; only a reset one refuses.
    if (refuseWhenShutDown(out, requestId)) {
      return out;
    }
    if (!ring.isEmpty()) {
      out.complete(requestId, Result.ok("achieved"));
      return out;
    }
    pending.add(new Pending.Prime(requestId));
    life.establish(out);
    return finish(out);
  }

  /** Drops a waiting request; it completes as cancelled. Unknown ids are ignored. */
  public Outcome cancel(long requestId) {
    return cancel(requestId, "request " + requestId + " cancelled");
  }

  /** Drops a waiting request (its client left, or its deadline passed), answering {@code why}. */
  public Outcome cancel(long requestId, String why) {
    Outcome out = new Outcome();
    pending.cancel(requestId, why, out);
    return out;
  }

  // ---- requests answered at once ----

  /** Frees one address of {@code ident}. Never waits. */
  public Outcome free(long nowMs, long requestId, String ident, long address) {
    Outcome out = new Outcome();
    Result result = releases.free(ident, address, out);
    out.complete(requestId, result);
    return result.isOk() ? finish(out) : out;
  }

  /** Frees every address of {@code ident} and cancels its waiting requests. Never waits. */
  public Outcome delete(long nowMs, long requestId, String ident) {
    Outcome out = new Outcome();
    Result result = releases.delete(ident, out);
    out.complete(requestId, result);
    return result.isOk() ? finish(out) : out;
  }

  /** The addresses of {@code ident}, in {@code subnet} only when given. */
  public List<PrefixedAddress> lookup(String ident, Cidr subnet) {
    return allocations.lookup(ident, subnet);
  }

  /** Every allocation by ident, for {@code GET /ip}. */
  public Map<String, List<PrefixedAddress>> owned() {
    return allocations.byIdent();
  }

  /**
   * Every ident holding an address, as a read-only view: {@code /status} counts the CNI ones
   * every few seconds, and copying {@link #owned()} for that would cost a map per poll.
   */
  public Set<String> idents() {
    return allocations.idents();
  }

  // ---- containers ----

  /** The container stopped: its requests are cancelled; its addresses go after the grace. */
  public Outcome containerDied(long nowMs, String ident) {
    Outcome out = new Outcome();
    pending.cancelFor(ident, "container " + ident + " died", out);
    grace.died(nowMs, ident);
    return out;
  }

  public Outcome containerStarted(long nowMs, String ident) {
    grace.alive(ident);
    return new Outcome();
  }

  /** The container is gone for good: its container addresses are freed now. */
  public Outcome containerDestroyed(long nowMs, String ident) {
    Outcome out = new Outcome();
    pending.cancelFor(ident, "container " + ident + " was removed", out);
    grace.destroyed(ident, out);
    return finish(out);
  }

  /** Frees container allocations whose container is not among {@code live}. */
  public Outcome pruneOwned(long nowMs, Set<String> live) {
    Outcome out = new Outcome();
    grace.prune(live, out);
    return finish(out);
  }

  // ---- peers leaving ----

  /**
   * This peer takes over every ring entry of the peer named (or nicknamed) {@code who}, and
   * remembers it as removed. Refused for a reachable peer unless forced.
   */
  public Outcome rmpeer(long nowMs, long requestId, String who, boolean force) {
    Outcome out = new Outcome();
    departures.rmpeer(nowMs, requestId, who, force, out);
    return out.persist ? finish(out) : out;
  }

  /** The agent stops: every waiting request is answered, unavailable, rather than dropped. */
  public Outcome stopping() {
    Outcome out = new Outcome();
    departures.stopping(out);
    return out;
  }

  /**
   * Reset: hands every entry of ours to a live heir, broadcasts, and forgets everything. Every
   * later request is refused.
   */
  public Outcome shutdown(long nowMs) {
    Outcome out = new Outcome();
    departures.reset(nowMs, out);
    shutDown = true;
    life.check();
    out.persist = true;
    return life.withState(out);
  }

  // ---- the network ----

  public Outcome memberJoined(long nowMs, PeerName peer) {
    Outcome out = new Outcome();
    peers.reachable.add(peer);
    out.send(peer, life.gossip());
    return out;
  }

  public Outcome memberLeft(long nowMs, PeerName peer) {
    peers.reachable.remove(peer);
    return new Outcome();
  }

  /** A message from another peer. */
  public Outcome receive(long nowMs, Message message) {
    Outcome out = new Outcome();
    if (shutDown || message.from().equals(config.self())) {
      return out;
    }
    if (message instanceof Message.Gossip g) {
      onGossip(g, out, nowMs);
    } else if (message instanceof Message.RingUpdate u) {
      life.merge(u.from(), u.ring(), out, nowMs);
    } else if (message instanceof Message.SpaceRequest r) {
      life.donate(r, out);
    } else if (message instanceof Message.SpaceDenied d) {
      pending.denied(d, out);
    }
    return finish(out);
  }

  private void onGossip(Message.Gossip g, Outcome out, long nowMs) {
    if (g.nickname() != null) {
      peers.nicknames.put(g.from(), g.nickname());
    }
    warnings.noteQuorum(g, out);
    if (g.ring() != null && !g.ring().isEmpty()) {
      life.merge(g.from(), g.ring(), out, nowMs);
      return;
    }
    if (!ring.isEmpty()) {
      // A peer without a ring: a late joiner, or an observer asking. It gets ours.
      out.send(g.from(), new Message.RingUpdate(config.self(), ring.state()));
      return;
    }
    // Neither has a ring: what the gossip says of Paxos is for Seeding, which hears it too.
  }


  // ---- time ----

  /**
   * The periodic step: ask for consensus while requests wait without a ring, retry them, free the
   * addresses of containers dead past their grace, and gossip the whole state now and then.
   */
  public Outcome tick(long nowMs) {
    Outcome out = new Outcome();
    if (shutDown) {
      return out;
    }
    if (!pending.isEmpty() && ring.isEmpty()) {
      life.establish(out);
    }
    grace.sweep(nowMs, out);
    pending.retry(out, nowMs);
    finish(out);
    // After finish: the free-count report may have bumped versions that must go out too.
    life.broadcastWhenDue(out, nowMs);
    return out;
  }

  // ---- consensus ----

  /**
   * What a {@link Seeding} step produced: how consensus stands, and when it agreed, the seeds
   * this peer splits the ring among (ignored when a ring exists already).
   */
  public Outcome afterConsensus(long nowMs, Outcome consensus) {
    Outcome out = new Outcome();
    if (!life.heardConsensus(consensus)) {
      return out;
    }
    life.seed(consensus.agreed(), out, nowMs);
    return finish(out);
  }

  // ---- bookkeeping ----

  private boolean refuseWhenShutDown(Outcome out, long requestId) {
    if (shutDown) {
      out.complete(requestId, Result.failed(ResultCode.UNAVAILABLE,
          "this peer was reset (DELETE /peer) and no longer allocates:"
              + " stop it, clear its data directory and launch it again to join as a new peer"));
    }
    return shutDown;
  }

  /** Refuses what would hand out an address once the cluster removed this peer (rmpeer). */
  private boolean refuseWhenRemoved(Outcome out, long requestId) {
    ringSpace.removal().ifPresent(why -> out.complete(requestId,
        Result.failed(ResultCode.UNAVAILABLE, why)));
    return ringSpace.removal().isPresent();
  }

  /**
   * Ends every state-changing step: free counts follow the space. The full check walks the whole
   * state, so it runs where assertions are on (tests, the simulator); the cheap one runs always.
   */
  private Outcome finish(Outcome out) {
    if (!ring.isEmpty() && !shutDown && ring.reportFree(space::numFreeInRange)) {
      out.persist = true;
    }
    assert invariantsHold();
    return life.withState(out);
  }

  private boolean invariantsHold() {
    assertInvariants();
    return true;
  }

  private void broken(String problem) {
    throw RingLife.broken(config, problem);
  }

  /** Our state as gossip: the ring, not Paxos (that is {@link Seeding}'s gossip). */
  public Message.Gossip gossip() {
    return life.gossip();
  }

  // ---- reading, for status and the simulator ----

  public Consensus consensus() {
    return life.consensus();
  }

  public AllocatorConfig config() {
    return config;
  }

  public RingState ringState() {
    return ring.state();
  }

  /** What must survive a crash: ring and allocations (Paxos knowledge is {@link Seeding}'s). */
  public PersistedState persistedState() {
    return new PersistedState(ring.state(), allocations.all(), Map.of(), shutDown);
  }

  public boolean isShutDown() {
    return shutDown;
  }

  /** This peer's state as status, metrics and tests read it. */
  public AllocatorStatus status() {
    return new AllocatorStatus(consensus(), ring.ownedByPeer(), ring.freeByPeer(),
        ring.removed(), ring.entries().size(), warnings.refusals(), peers.nicknames,
        life.knownElectors(),
        pending.allocations(), pending.claims(), allocations.size(), peers.reachable, shutDown,
        warnings.quorumWarnings());
  }

  /** What is wrong with this peer's state, if anything; walks the whole state. */
  public Optional<String> checkInvariants() {
    return Invariants.full(config, ring, space, allocations, shutDown);
  }

  /** Throws when {@link #checkInvariants} finds a problem. */
  public void assertInvariants() {
    checkInvariants().ifPresent(this::broken);
  }
}
