package io.weft.ipam;

import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.PrefixedAddress;
import io.weft.net.Range;
import io.weft.paxos.Claims;
import io.weft.paxos.NodeId;
import io.weft.paxos.Paxos;
import io.weft.ring.MergeResult;
import io.weft.ring.PeerName;
import io.weft.ring.Ring;
import io.weft.ring.RingConflictException;
import io.weft.ring.RingState;
import io.weft.space.Space;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * One peer's whole IPAM behaviour as a deterministic state machine: the ring, the local space,
 * the allocations, the requests waiting, and the one-time consensus that seeds the ring.
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
  private Paxos paxos;
  private boolean waiting;
  private boolean shutDown;
  private final List<Pending> pending = new ArrayList<>();
  private final Map<String, Long> deadSinceMs = new HashMap<>();
  private final Map<PeerName, String> nicknames = new TreeMap<>();
  private final Map<PeerName, String> refused = new TreeMap<>();
  private final Map<PeerName, Integer> otherQuorums = new TreeMap<>();
  private final Set<PeerName> reachable = new TreeSet<>();
  private long lastGossipMs = NEVER;

  public Allocator(AllocatorConfig config, RandomGenerator random) {
    this.config = config;
    this.random = random;
    this.ring = new Ring(config.universe().range(), config.self());
    this.paxos = config.observer() ? null
        : new Paxos(new NodeId(config.self(), config.uid()), config.quorum());
    nicknames.put(config.self(), config.nickname());
  }

  /**
   * An allocator restarted from persisted state: the ring, the allocations (re-claimed in the
   * space) and, while no ring existed yet, what Paxos knew.
   */
  public static Allocator restore(AllocatorConfig config, RandomGenerator random,
      PersistedState state) {
    Allocator allocator = new Allocator(config, random);
    if (!state.ring().isEmpty()) {
      try {
        allocator.ring.merge(state.ring(), r -> false);
      } catch (RingConflictException e) {
        throw new IllegalArgumentException("the persisted ring cannot be used: " + e.getMessage());
      }
      allocator.paxos = null;
    } else if (!config.observer() && !state.paxos().isEmpty()) {
      allocator.paxos = Paxos.restore(new NodeId(config.self(), config.uid()), config.quorum(),
          state.paxos());
    }
    allocator.space.addRanges(allocator.ring.ownedRanges());
    for (Allocation a : state.allocations()) {
      allocator.allocations.add(a);
      long address = a.address().address();
      if (allocator.space.isOwned(address) && !allocator.space.isUsed(address)) {
        allocator.space.claim(address);
      }
    }
    allocator.assertInvariants();
    return allocator;
  }

  // ---- requests that may wait ----

  /** Allocate an address for {@code ident} in {@code subnet} (idempotent). May wait. */
  public Outcome allocate(long nowMs, long requestId, String ident, Cidr subnet,
      boolean container) {
    Outcome out = new Outcome();
    if (refuseWhenShutDown(out, requestId)) {
      return out;
    }
    if (!subnet.overlaps(config.universe())) {
      out.complete(requestId, Result.failed(Result.BAD_REQUEST, "range " + subnet
          + " out of bounds: " + config.universe() + " (allocate inside --ipalloc-range)"));
      return out;
    }
    Optional<Allocation> existing = allocations.in(ident, subnet);
    if (existing.isPresent()) {
      deadSinceMs.remove(ident);
      out.complete(requestId, Result.ok(existing.get().address().toString()));
      return out;
    }
    pending.add(new Pending.Allocate(requestId, ident, subnet, container));
    establishRing(out, nowMs);
    tryPending(out, nowMs);
    return finish(out);
  }

  /**
   * Claim a specific address for {@code ident}. Outside the universe it is only recorded; inside
   * it must be free, and an address owned by another peer is asked of that peer. May wait.
   */
  public Outcome claim(long nowMs, long requestId, String ident, PrefixedAddress address,
      boolean noErrorOnUnknown, boolean container) {
    Outcome out = new Outcome();
    if (refuseWhenShutDown(out, requestId)) {
      return out;
    }
    if (!config.universe().contains(address.address())) {
      out.complete(requestId, claimOutsideUniverse(ident, address, container, out));
      return finish(out);
    }
    deadSinceMs.remove(ident);
    pending.add(new Pending.Claim(requestId, ident, address, noErrorOnUnknown, container));
    establishRing(out, nowMs);
    tryPending(out, nowMs);
    return finish(out);
  }

  private Result claimOutsideUniverse(String ident, PrefixedAddress address, boolean container,
      Outcome out) {
    Optional<Allocation> prior = allocations.at(address.address());
    String filed = Allocations.fileUnder(ident, address);
    if (prior.isEmpty()) {
      record(new Allocation(filed, address, container), out);
      return Result.ok(address.toString());
    }
    Allocation p = prior.get();
    if (p.ident().equals(filed) || Allocations.ANONYMOUS.equals(ident)) {
      return Result.ok(address.toString());
    }
    if (p.container() && deadSinceMs.containsKey(p.ident())) {
      allocations.remove(p);
      out.removed.add(p);
      record(new Allocation(filed, address, container), out);
      return Result.ok(address.toString());
    }
    return Result.failed(Result.CONFLICT, "address " + address + " already in use by "
        + p.ident());
  }

  /** Wait until this peer has a ring, starting consensus if nobody has yet. May wait. */
  public Outcome prime(long nowMs, long requestId) {
    Outcome out = new Outcome();
    if (refuseWhenShutDown(out, requestId)) {
      return out;
    }
    if (!ring.isEmpty()) {
      out.complete(requestId, Result.ok("achieved"));
      return out;
    }
    pending.add(new Pending.Prime(requestId));
    establishRing(out, nowMs);
    return finish(out);
  }

  /** Drops a waiting request; it completes as cancelled. Unknown ids are ignored. */
  public Outcome cancel(long requestId) {
    Outcome out = new Outcome();
    for (Iterator<Pending> it = pending.iterator(); it.hasNext();) {
      Pending p = it.next();
      if (p.requestId() == requestId) {
        it.remove();
        out.complete(requestId, Result.failed(Result.UNAVAILABLE,
            "request " + requestId + " cancelled"));
      }
    }
    return out;
  }

  // ---- requests answered at once ----

  /** Frees one address of {@code ident}. Never waits. */
  public Outcome free(long nowMs, long requestId, String ident, long address) {
    Outcome out = new Outcome();
    for (Allocation a : allocations.of(ident)) {
      if (a.address().address() == address) {
        release(a, out);
        out.complete(requestId, Result.ok(a.address().toString()));
        return finish(out);
      }
    }
    Optional<Allocation> filedUnderAddress = allocations.at(address)
        .filter(a -> a.ident().equals(ident) || Allocations.ANONYMOUS.equals(ident));
    if (filedUnderAddress.isPresent()) {
      release(filedUnderAddress.get(), out);
      out.complete(requestId, Result.ok(filedUnderAddress.get().address().toString()));
      return finish(out);
    }
    out.complete(requestId, Result.failed(Result.NOT_FOUND, "'" + ident + "' holds no address "
        + Ip.format(address) + ": nothing to free"));
    return out;
  }

  /** Frees every address of {@code ident} and cancels its waiting requests. Never waits. */
  public Outcome delete(long nowMs, long requestId, String ident) {
    Outcome out = new Outcome();
    cancelRequestsOf(ident, "its addresses were deleted", out);
    List<Allocation> freed = new ArrayList<>(allocations.of(ident));
    freed.forEach(a -> release(a, out));
    deadSinceMs.remove(ident);
    if (freed.isEmpty()) {
      out.complete(requestId, Result.failed(Result.NOT_FOUND, "'" + ident
          + "' holds no addresses: nothing to free"));
      return out;
    }
    out.complete(requestId, Result.ok(joined(freed)));
    return finish(out);
  }

  /** The addresses of {@code ident}, in {@code subnet} only when given. */
  public List<PrefixedAddress> lookup(String ident, Cidr subnet) {
    List<PrefixedAddress> found = new ArrayList<>();
    for (Allocation a : allocations.of(ident)) {
      if (subnet == null || subnet.contains(a.address().address())) {
        found.add(a.address());
      }
    }
    return found;
  }

  /** Every allocation by ident, for {@code GET /ip}. */
  public Map<String, List<PrefixedAddress>> owned() {
    Map<String, List<PrefixedAddress>> owned = new LinkedHashMap<>();
    for (Allocation a : allocations.all()) {
      owned.computeIfAbsent(a.ident(), i -> new ArrayList<>()).add(a.address());
    }
    return owned;
  }

  // ---- containers ----

  /** The container stopped: its requests are cancelled; its addresses go after the grace. */
  public Outcome containerDied(long nowMs, String ident) {
    Outcome out = new Outcome();
    cancelRequestsOf(ident, "container " + ident + " died", out);
    if (!allocations.of(ident).isEmpty()) {
      deadSinceMs.putIfAbsent(ident, nowMs);
    }
    return out;
  }

  public Outcome containerStarted(long nowMs, String ident) {
    deadSinceMs.remove(ident);
    return new Outcome();
  }

  /** The container is gone for good: its container addresses are freed now. */
  public Outcome containerDestroyed(long nowMs, String ident) {
    Outcome out = new Outcome();
    cancelRequestsOf(ident, "container " + ident + " was removed", out);
    deadSinceMs.remove(ident);
    releaseContainerAddresses(ident, out);
    return finish(out);
  }

  private void releaseContainerAddresses(String ident, Outcome out) {
    for (Allocation a : new ArrayList<>(allocations.of(ident))) {
      if (a.container()) {
        release(a, out);
      }
    }
  }

  /** Frees container allocations whose container is not among {@code live}. */
  public Outcome pruneOwned(long nowMs, Set<String> live) {
    Outcome out = new Outcome();
    for (Allocation a : allocations.all()) {
      if (a.container() && !live.contains(a.ident())) {
        release(a, out);
        deadSinceMs.remove(a.ident());
      }
    }
    return finish(out);
  }

  // ---- peers leaving ----

  /**
   * This peer takes over every ring entry of the peer named (or nicknamed) {@code who}, and
   * remembers it as removed. Refused for a reachable peer unless forced.
   */
  public Outcome rmpeer(long nowMs, long requestId, String who, boolean force) {
    Outcome out = new Outcome();
    Optional<PeerName> peer = resolve(who);
    if (peer.isEmpty()) {
      out.complete(requestId, Result.failed(Result.NOT_FOUND, "no peer is named or nicknamed '"
          + who + "' (see weft status for the known peers)"));
      return out;
    }
    if (peer.get().equals(config.self())) {
      out.complete(requestId, Result.failed(Result.BAD_REQUEST,
          "cannot remove this peer from itself: run 'weft reset' on it instead"));
      return out;
    }
    if (reachable.contains(peer.get()) && !force) {
      out.complete(requestId, Result.failed(Result.CONFLICT, "peer " + describe(peer.get())
          + " is reachable right now: stop it first, or use --force if it is really gone"));
      return out;
    }
    long taken = ring.transfer(peer.get(), config.self(), true);
    space.addRanges(ring.ownedRanges());
    out.persist = true;
    broadcastState(out, nowMs);
    tryPending(out, nowMs);
    out.complete(requestId, Result.ok(taken + " IPs taken over from " + describe(peer.get())));
    return finish(out);
  }

  /**
   * Reset: hands every entry of ours to a live heir, broadcasts, and forgets everything. Every
   * later request is refused.
   */
  public Outcome shutdown(long nowMs) {
    Outcome out = new Outcome();
    for (Pending p : pending) {
      out.complete(p.requestId(), Result.failed(Result.UNAVAILABLE, "weft is shutting down"));
    }
    pending.clear();
    Optional<PeerName> heir = heir();
    if (heir.isPresent() && !ring.ownedRanges().isEmpty()) {
      ring.transfer(config.self(), heir.get(), false);
      broadcastState(out, nowMs);
    }
    space.clear();
    out.removed.addAll(allocations.all());
    allocations.clear();
    deadSinceMs.clear();
    shutDown = true;
    out.persist = true;
    return out;
  }

  private Optional<PeerName> heir() {
    for (PeerName owner : ring.owners()) {
      if (!owner.equals(config.self()) && reachable.contains(owner)) {
        return Optional.of(owner);
      }
    }
    return reachable.stream().findFirst()
        .or(() -> ring.owners().stream().filter(p -> !p.equals(config.self())).findFirst());
  }

  // ---- the network ----

  public Outcome memberJoined(long nowMs, PeerName peer) {
    Outcome out = new Outcome();
    reachable.add(peer);
    out.send(peer, gossip());
    return out;
  }

  public Outcome memberLeft(long nowMs, PeerName peer) {
    reachable.remove(peer);
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
      mergeRing(u.from(), u.ring(), out, nowMs);
    } else if (message instanceof Message.SpaceRequest r) {
      donate(r, out);
    } else if (message instanceof Message.SpaceDenied d) {
      onDenied(d, out);
    }
    return finish(out);
  }

  private void onGossip(Message.Gossip g, Outcome out, long nowMs) {
    if (g.nickname() != null) {
      nicknames.put(g.from(), g.nickname());
    }
    noteQuorum(g, out);
    if (g.ring() != null && !g.ring().isEmpty()) {
      mergeRing(g.from(), g.ring(), out, nowMs);
      return;
    }
    if (!ring.isEmpty()) {
      // A peer without a ring: a late joiner, or an observer asking. It gets ours.
      out.send(g.from(), new Message.RingUpdate(config.self(), ring.state()));
      return;
    }
    if (paxos == null) {
      return;
    }
    boolean changed = g.paxos() != null && paxos.update(g.paxos());
    if (g.paxos() == null && g.observer() && !waiting) {
      // An observer asks the electors to seed the ring.
      establishRing(out, nowMs);
      return;
    }
    if (changed || waiting) {
      boolean mine = paxos.think();
      // A promise or an acceptance must survive a crash, or a restarted peer could vote twice.
      out.persist |= mine;
      if (waiting && checkConsensus(out, nowMs)) {
        return;
      }
      if (mine) {
        out.broadcast(gossip());
      }
    }
  }

  /** Peers launched with another peer count could seed a second ring: say so, once. */
  private void noteQuorum(Message.Gossip g, Outcome out) {
    if (config.observer() || g.observer() || g.quorum() <= 0) {
      return;
    }
    if (g.quorum() == config.quorum()) {
      otherQuorums.remove(g.from());
    } else if (!Integer.valueOf(g.quorum()).equals(otherQuorums.put(g.from(), g.quorum()))) {
      out.event("quorum-mismatch", null, null, g.from().toString(), quorumWarning(g.from(),
          g.quorum()));
    }
  }

  private String quorumWarning(PeerName peer, int quorum) {
    return "peer " + describe(peer) + " uses quorum " + quorum + ", this peer " + config.quorum()
        + ": they were launched with different --init-peer-count or PEER lists; relaunch them"
        + " with the current number of peers";
  }

  /** Warnings about peers whose configured peer count differs from ours. */
  public List<String> quorumWarnings() {
    List<String> warnings = new ArrayList<>();
    otherQuorums.forEach((peer, quorum) -> warnings.add(quorumWarning(peer, quorum)));
    return warnings;
  }

  private void mergeRing(PeerName from, RingState theirs, Outcome out, long nowMs) {
    boolean hadRing = !ring.isEmpty();
    MergeResult result;
    try {
      result = ring.merge(theirs, space::hasAllocations);
    } catch (RingConflictException e) {
      if (!e.getMessage().equals(refused.put(from, e.getMessage()))) {
        out.event("merge-refused", null, null, from.toString(), e.getMessage());
      }
      return;
    }
    refused.remove(from);
    if (!result.changed()) {
      return;
    }
    for (long dropped : space.removeRanges(result.lost())) {
      allocations.at(dropped).ifPresent(a -> {
        allocations.remove(a);
        out.removed.add(a);
      });
    }
    space.addRanges(result.gained());
    out.persist = true;
    if (!hadRing && !ring.isEmpty()) {
      ringAchieved(out);
    }
    if (result.reimposed()) {
      broadcastState(out, nowMs);
    }
    if (result.updated()) {
      tryPending(out, nowMs);
    }
  }

  /** A peer asks for space: give it what {@link Space#donate} picks, or deny. */
  private void donate(Message.SpaceRequest request, Outcome out) {
    if (ring.isEmpty()) {
      return;
    }
    Optional<Range> chunk = request.range().overlaps(config.universe().range())
        ? space.donate(request.range().intersect(config.universe().range())) : Optional.empty();
    if (chunk.isPresent()) {
      ring.grantRangeToHost(chunk.get().start(), chunk.get().end(), request.from());
      out.persist = true;
      out.broadcast(gossip());
    } else {
      out.send(request.from(), new Message.SpaceDenied(config.self(), request.range()));
    }
    out.send(request.from(), new Message.RingUpdate(config.self(), ring.state()));
  }

  /** Claims of addresses in a denied range fail: the owner uses them. */
  private void onDenied(Message.SpaceDenied denied, Outcome out) {
    for (Iterator<Pending> it = pending.iterator(); it.hasNext();) {
      if (it.next() instanceof Pending.Claim c && denied.range().contains(c.address.address())
          && denied.range().size() == 1) {
        it.remove();
        if (!c.answered) {
          out.complete(c.requestId, Result.failed(Result.CONFLICT, "address " + c.address
              + " is owned by other peer " + describe(denied.from())));
        }
      }
    }
  }

  // ---- time ----

  /**
   * The periodic step: re-propose while consensus waits, retry waiting requests, free the
   * addresses of containers dead past their grace, and gossip the whole state now and then.
   */
  public Outcome tick(long nowMs) {
    Outcome out = new Outcome();
    if (shutDown) {
      return out;
    }
    if (waiting && ring.isEmpty()) {
      if (paxos != null) {
        paxos.propose();
        out.persist = true;
        if (checkConsensus(out, nowMs)) {
          return finish(out);
        }
      }
      out.broadcast(gossip());
      lastGossipMs = nowMs;
    }
    if (!pending.isEmpty() && ring.isEmpty()) {
      establishRing(out, nowMs);
    }
    sweepDeadContainers(nowMs, out);
    tryPending(out, nowMs);
    finish(out);
    // After finish: the free-count report may have bumped versions that must go out too.
    if (nowMs - lastGossipMs >= config.gossipMs()) {
      broadcastState(out, nowMs);
    }
    return out;
  }

  private void sweepDeadContainers(long nowMs, Outcome out) {
    for (Iterator<Map.Entry<String, Long>> it = deadSinceMs.entrySet().iterator();
        it.hasNext();) {
      Map.Entry<String, Long> dead = it.next();
      if (nowMs - dead.getValue() >= config.containerGraceMs()) {
        it.remove();
        releaseContainerAddresses(dead.getKey(), out);
      }
    }
  }

  // ---- consensus ----

  /** Starts consensus unless a ring exists or it already runs. */
  private void establishRing(Outcome out, long nowMs) {
    if (!ring.isEmpty() || waiting) {
      return;
    }
    waiting = true;
    if (paxos != null) {
      paxos.propose();
      out.persist = true;
      if (checkConsensus(out, nowMs)) {
        return;
      }
    }
    out.broadcast(gossip());
  }

  private boolean checkConsensus(Outcome out, long nowMs) {
    Optional<List<PeerName>> agreed = paxos.consensus();
    if (agreed.isEmpty()) {
      return false;
    }
    ring.claimForPeers(agreed.get());
    space.addRanges(ring.ownedRanges());
    out.persist = true;
    ringAchieved(out);
    broadcastState(out, nowMs);
    tryPending(out, nowMs);
    return true;
  }

  private void ringAchieved(Outcome out) {
    waiting = false;
    paxos = null;
    out.event("consensus-achieved", null, null, config.self().toString(), null);
    for (Iterator<Pending> it = pending.iterator(); it.hasNext();) {
      if (it.next() instanceof Pending.Prime p) {
        it.remove();
        out.complete(p.requestId(), Result.ok("achieved"));
      }
    }
  }

  // ---- pending requests ----

  /** Retries waiting requests: claims before allocations, so claimed addresses stay free. */
  private void tryPending(Outcome out, long nowMs) {
    if (ring.isEmpty()) {
      for (Pending p : pending) {
        if (p instanceof Pending.Claim c && c.noErrorOnUnknown && !c.answered) {
          c.answered = true;
          out.complete(c.requestId, Result.ok(c.address.toString()));
        }
      }
      return;
    }
    for (Iterator<Pending> it = pending.iterator(); it.hasNext();) {
      if (it.next() instanceof Pending.Claim c && tryClaim(c, out, nowMs)) {
        it.remove();
      }
    }
    for (Iterator<Pending> it = pending.iterator(); it.hasNext();) {
      if (it.next() instanceof Pending.Allocate a && tryAllocate(a, out, nowMs)) {
        it.remove();
      }
    }
  }

  /** True when the request is answered. */
  private boolean tryAllocate(Pending.Allocate a, Outcome out, long nowMs) {
    Optional<Allocation> existing = allocations.in(a.ident, a.subnet);
    if (existing.isPresent()) {
      out.complete(a.requestId, Result.ok(existing.get().address().toString()));
      return true;
    }
    Range hosts = a.subnet.hostRange().intersect(config.universe().range());
    OptionalLong address = space.allocate(hosts);
    if (address.isPresent()) {
      PrefixedAddress given = a.subnet.withAddress(address.getAsLong());
      record(new Allocation(Allocations.fileUnder(a.ident, given), given, a.container), out);
      out.complete(a.requestId, Result.ok(given.toString()));
      return true;
    }
    Range wanted = a.subnet.range().intersect(config.universe().range());
    if (ownsAll(wanted)) {
      // Nobody could ever donate: waiting would only hang the caller.
      out.complete(a.requestId, Result.failed(Result.CONFLICT, "no free address in " + a.subnet
          + ": this peer owns all of it and every address there is in use; free one or"
          + " allocate in a larger subnet"));
      return true;
    }
    if (nowMs - a.askedAtMs >= config.retryMs()) {
      Optional<PeerName> donor = ring.choosePeerToAskForSpace(wanted, reachable::contains, random);
      if (donor.isPresent()) {
        out.send(donor.get(), new Message.SpaceRequest(config.self(), wanted));
        a.askedAtMs = nowMs;
      }
    }
    return false;
  }

  private boolean ownsAll(Range wanted) {
    long owned = 0;
    for (Range r : ring.ownedRanges()) {
      owned += r.intersect(wanted).size();
    }
    return owned == wanted.size();
  }

  /** True when the claim is finished (answered, or failed). */
  private boolean tryClaim(Pending.Claim c, Outcome out, long nowMs) {
    long address = c.address.address();
    PeerName owner = ring.owner(address).orElseThrow();
    if (!owner.equals(config.self())) {
      return askOwner(c, owner, out, nowMs);
    }
    Result result = claimOwned(c);
    if (result.isOk() && !space.isUsed(address)) {
      space.claim(address);
      record(new Allocation(Allocations.fileUnder(c.ident, c.address), c.address, c.container),
          out);
    }
    if (!c.answered) {
      out.complete(c.requestId, result);
    }
    return true;
  }

  private Result claimOwned(Pending.Claim c) {
    Optional<Allocation> prior = allocations.at(c.address.address());
    if (prior.isEmpty()) {
      return Result.ok(c.address.toString());
    }
    String holder = prior.get().ident();
    if (holder.equals(c.ident) || Allocations.ANONYMOUS.equals(c.ident)) {
      return Result.ok(c.address.toString());
    }
    if (holder.equals(c.address.toString())) {
      return Result.failed(Result.CONFLICT, "address " + c.address + " already in use");
    }
    return Result.failed(Result.CONFLICT, "address " + c.address + " is already owned by "
        + holder);
  }

  /** The address is another peer's: ask it for exactly that address, a few times. */
  private boolean askOwner(Pending.Claim c, PeerName owner, Outcome out, long nowMs) {
    if (nowMs - c.askedAtMs < config.retryMs()) {
      return false;
    }
    if (!reachable.contains(owner)) {
      c.tries++;
      c.askedAtMs = nowMs;
      if (c.tries > config.claimTries() && !c.noErrorOnUnknown) {
        out.complete(c.requestId, Result.failed(Result.CONFLICT, "address " + c.address
            + " is owned by other peer " + describe(owner) + ", which is unreachable"));
        return true;
      }
      return false;
    }
    long address = c.address.address();
    out.send(owner, new Message.SpaceRequest(config.self(), new Range(address, address + 1)));
    c.askedAtMs = nowMs;
    return false;
  }

  private void cancelRequestsOf(String ident, String why, Outcome out) {
    for (Iterator<Pending> it = pending.iterator(); it.hasNext();) {
      Pending p = it.next();
      if (ident.equals(p.ident())) {
        it.remove();
        out.complete(p.requestId(), Result.failed(Result.UNAVAILABLE,
            "request for " + ident + " cancelled: " + why));
      }
    }
  }

  // ---- bookkeeping ----

  private void record(Allocation a, Outcome out) {
    allocations.add(a);
    out.added.add(a);
    out.persist = true;
    out.event("allocated", a.ident(), a.address().toString(), null, null);
  }

  private void release(Allocation a, Outcome out) {
    allocations.remove(a);
    out.removed.add(a);
    long address = a.address().address();
    if (space.isUsed(address)) {
      space.free(address);
    }
    out.persist = true;
    out.event("freed", a.ident(), a.address().toString(), null, null);
  }

  private boolean refuseWhenShutDown(Outcome out, long requestId) {
    if (shutDown) {
      out.complete(requestId, Result.failed(Result.UNAVAILABLE,
          "this peer was reset and no longer allocates; restart it with an empty data directory"));
    }
    return shutDown;
  }

  /**
   * Ends every state-changing step: free counts follow the space. The full invariant check
   * walks the whole state, so it runs where assertions are on (tests, the simulator).
   */
  private Outcome finish(Outcome out) {
    if (!ring.isEmpty() && !shutDown && ring.reportFree(space::numFreeInRange)) {
      out.persist = true;
    }
    assert invariantsHold();
    return out;
  }

  private boolean invariantsHold() {
    assertInvariants();
    return true;
  }

  private void broadcastState(Outcome out, long nowMs) {
    out.broadcast(gossip());
    lastGossipMs = nowMs;
  }

  /** Our whole state as gossip. */
  public Message.Gossip gossip() {
    Map<NodeId, Claims> claims = paxos == null || !ring.isEmpty() ? null : paxos.state();
    return new Message.Gossip(config.self(), config.nickname(), config.observer(),
        ring.isEmpty() ? null : ring.state(), claims, config.observer() ? 0 : config.quorum());
  }

  private Optional<PeerName> resolve(String who) {
    if (PeerName.isValid(who)) {
      return Optional.of(PeerName.parse(who));
    }
    return nicknames.entrySet().stream().filter(e -> e.getValue().equals(who))
        .map(Map.Entry::getKey).findFirst();
  }

  private String describe(PeerName peer) {
    String nick = nicknames.get(peer);
    return nick == null ? peer.toString() : peer + "(" + nick + ")";
  }

  private static String joined(Collection<Allocation> list) {
    StringBuilder text = new StringBuilder();
    for (Allocation a : list) {
      text.append(text.length() == 0 ? "" : " ").append(a.address());
    }
    return text.toString();
  }

  // ---- reading, for status and the simulator ----

  public Consensus consensus() {
    return !ring.isEmpty() ? Consensus.ACHIEVED : waiting ? Consensus.WAITING
        : Consensus.DEFERRED;
  }

  public AllocatorConfig config() {
    return config;
  }

  public RingState ringState() {
    return ring.state();
  }

  /** Addresses covered by each peer's ring entries. */
  public Map<PeerName, Long> ownedByPeer() {
    return ring.ownedByPeer();
  }

  /** The free counts each peer last reported. */
  public Map<PeerName, Long> freeByPeer() {
    return ring.freeByPeer();
  }

  /** Peers removed with rmpeer. */
  public Set<PeerName> removedPeers() {
    return Set.copyOf(ring.removed());
  }

  public int ringEntries() {
    return ring.entries().size();
  }

  /** What Paxos knows, to persist while no ring exists (empty once one does). */
  public Map<NodeId, Claims> paxosState() {
    return paxos == null ? Map.of() : paxos.state();
  }

  /** What must survive a crash: ring, allocations and Paxos knowledge, in one snapshot. */
  public PersistedState persistedState() {
    return new PersistedState(ring.state(), allocations.all(),
        paxos == null ? Map.of() : paxos.state());
  }

  public Map<PeerName, String> refusals() {
    return Map.copyOf(refused);
  }

  public Map<PeerName, String> nicknames() {
    return Map.copyOf(nicknames);
  }

  public int knownElectors() {
    return paxos != null ? paxos.knownPeers().size() : ring.seeds().size();
  }

  public long pendingAllocations() {
    return pending.stream().filter(p -> p instanceof Pending.Allocate).count();
  }

  public long pendingClaims() {
    return pending.stream().filter(p -> p instanceof Pending.Claim).count();
  }

  public int activeAddresses() {
    return allocations.size();
  }

  public Set<PeerName> reachable() {
    return Set.copyOf(reachable);
  }

  public boolean isShutDown() {
    return shutDown;
  }

  /** What is wrong with this peer's state, if anything. */
  public Optional<String> checkInvariants() {
    Optional<String> problem = ring.checkInvariants().or(space::checkInvariants);
    if (problem.isPresent()) {
      return problem;
    }
    if (!shutDown && !ring.ownedRanges().equals(space.ownedRanges())) {
      return Optional.of("ring says we own " + ring.ownedRanges() + " but the space holds "
          + space.ownedRanges());
    }
    for (Allocation a : allocations.all()) {
      long address = a.address().address();
      if (config.universe().contains(address) && space.isOwned(address)
          && !space.isUsed(address)) {
        return Optional.of("allocation " + a + " is free in the space");
      }
    }
    return Optional.empty();
  }

  public void assertInvariants() {
    checkInvariants().ifPresent(problem -> {
      throw new IllegalStateException("allocator invariant broken at " + config.self() + ": "
          + problem);
    });
  }
}
