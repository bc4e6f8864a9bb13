package io.weft.ring;

import io.weft.net.Range;
import io.weft.net.Ranges;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.random.RandomGenerator;

/**
 * Who owns which part of the universe: a CRDT of entries sorted by token. Entry {@code i} owns
 * {@code [token_i, token_i+1)}; the last wraps around to the first. Only an entry's owner changes
 * it (bumping its version); rmpeer and reset move entries with a jump of 100 versions so that
 * they beat concurrent edits by the old owner.
 *
 * <p>Not thread-safe; one ring belongs to one allocator. Every mutator ends by asserting the
 * invariants, so a ring that breaks them fails loudly at the step that broke it.
 */
public final class Ring {
  /** Version jump of a transfer: larger than the edits an old owner can make unseen. */
  static final long TRANSFER_VERSION_JUMP = 100;

  private final Range universe;
  private final PeerName self;
  private final List<Entry> entries = new ArrayList<>();
  private final List<PeerName> seeds = new ArrayList<>();
  private final Set<PeerName> removed = new TreeSet<>();

  public Ring(Range universe, PeerName self) {
    if (universe.isEmpty()) {
      throw new IllegalArgumentException("the universe of a ring cannot be empty");
    }
    this.universe = universe;
    this.self = self;
  }

  /** A ring restored from the store; refuses a state that breaks the invariants. */
  public static Ring restore(PeerName self, RingState state) {
    Ring ring = new Ring(state.universe(), self);
    RingChecks.entries(state.universe(), state.entries()).ifPresent(problem -> {
      throw new IllegalArgumentException("stored ring is invalid: " + problem);
    });
    ring.entries.addAll(state.entries());
    ring.seeds.addAll(state.seeds());
    ring.removed.addAll(state.removed());
    return ring;
  }

  public Range universe() {
    return universe;
  }

  public PeerName self() {
    return self;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public List<Entry> entries() {
    return Collections.unmodifiableList(entries);
  }

  public List<PeerName> seeds() {
    return Collections.unmodifiableList(seeds);
  }

  public Set<PeerName> removed() {
    return Collections.unmodifiableSet(removed);
  }

  public RingState state() {
    return new RingState(universe, entries, seeds, removed);
  }

  /** Text of the universe as a CIDR where it is one (it always is when built from a flag). */
  public String universeText() {
    return RingChecks.describe(universe);
  }

  // ---- reading ----

  /** The owner of an address of the universe, or empty while the ring has no entries. */
  public Optional<PeerName> owner(long address) {
    if (!universe.contains(address)) {
      throw new IllegalArgumentException("address is outside the universe " + universeText());
    }
    if (entries.isEmpty()) {
      return Optional.empty();
    }
    int i = indexAtOrBefore(address);
    return Optional.of(entries.get(i < 0 ? entries.size() - 1 : i).peer());
  }

  /** The addresses a peer owns, sorted and coalesced (a wrapping entry is split at the end). */
  public List<Range> ownedRanges(PeerName peer) {
    List<Range> owned = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).peer().equals(peer)) {
        owned.addAll(rangesOf(i));
      }
    }
    return Ranges.coalesce(owned);
  }

  public List<Range> ownedRanges() {
    return ownedRanges(self);
  }

  /** Addresses covered by each peer's entries, peers in name order. */
  public Map<PeerName, Long> ownedByPeer() {
    Map<PeerName, Long> owned = new TreeMap<>();
    for (int i = 0; i < entries.size(); i++) {
      owned.merge(entries.get(i).peer(), sizeOf(i), Long::sum);
    }
    return owned;
  }

  /** The free counts each peer last reported, summed over its entries. */
  public Map<PeerName, Long> freeByPeer() {
    Map<PeerName, Long> free = new TreeMap<>();
    for (Entry e : entries) {
      free.merge(e.peer(), e.free(), Long::sum);
    }
    return free;
  }

  /** The peers that own at least one entry. */
  public Set<PeerName> owners() {
    Set<PeerName> owners = new TreeSet<>();
    for (Entry e : entries) {
      owners.add(e.peer());
    }
    return owners;
  }

  /**
   * A peer to ask for space in {@code subnet}, chosen at random weighted by the free space it
   * reports there; empty when no eligible peer reports any.
   */
  public Optional<PeerName> choosePeerToAskForSpace(Range subnet, Predicate<PeerName> eligible,
      RandomGenerator random) {
    Map<PeerName, Long> weights = new TreeMap<>();
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.peer().equals(self) || removed.contains(e.peer()) || !eligible.test(e.peer())) {
        continue;
      }
      long overlap = 0;
      for (Range r : rangesOf(i)) {
        overlap += r.intersect(subnet).size();
      }
      long weight = Math.min(e.free(), overlap);
      if (weight > 0) {
        weights.merge(e.peer(), weight, Long::sum);
      }
    }
    long total = weights.values().stream().mapToLong(Long::longValue).sum();
    if (total == 0) {
      return Optional.empty();
    }
    long pick = random.nextLong(total);
    for (Map.Entry<PeerName, Long> w : weights.entrySet()) {
      pick -= w.getValue();
      if (pick < 0) {
        return Optional.of(w.getKey());
      }
    }
    throw new AssertionError("weighted choice ran past the total");
  }

  // ---- changing ----

  /**
   * Seeds an empty ring: the universe is halved recursively over the sorted, distinct peers,
   * the lower half of the list taking the lower half of the range (CIDR aligned for a CIDR
   * universe). With fewer addresses than peers some peers get nothing.
   */
  public void claimForPeers(Collection<PeerName> peers) {
    if (!entries.isEmpty()) {
      throw new IllegalStateException("the ring is already seeded");
    }
    List<PeerName> sorted = new ArrayList<>(new TreeSet<>(peers));
    if (sorted.isEmpty()) {
      throw new IllegalArgumentException("a ring needs at least one seed peer");
    }
    subdivide(universe.start(), universe.end(), sorted);
    seeds.addAll(sorted);
    assertInvariants();
  }

  private void subdivide(long start, long end, List<PeerName> peers) {
    long size = end - start;
    if (size == 0) {
      return;
    }
    if (size == 1 || peers.size() == 1) {
      entries.add(new Entry(start, peers.get(0), 0, size));
      return;
    }
    long middle = start + size / 2;
    int half = peers.size() / 2;
    subdivide(start, middle, peers.subList(0, half));
    subdivide(middle, end, peers.subList(half, peers.size()));
  }

  /**
   * Gives {@code [start, end)}, which we own entirely, to {@code peer}. Adds at most two tokens:
   * one at {@code start} and one at {@code end} where none was.
   */
  public void grantRangeToHost(long start, long end, PeerName peer) {
    checkGrant(start, end, peer);
    long endToken = end == universe.end() ? universe.start() : end;
    int atStart = indexOf(start);
    long startFree = Math.min(distance(start, nextTokenAfter(start)), end - start);
    if (atStart >= 0) {
      entries.set(atStart, entries.get(atStart).withOwner(peer, startFree));
    } else {
      int previous = indexAtOrBefore(start);
      int prev = previous < 0 ? entries.size() - 1 : previous;
      Entry before = entries.get(prev);
      entries.set(prev, before.withOwner(self, distance(before.token(), start)));
      entries.add(previous + 1, new Entry(start, peer, 0, startFree));
    }
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.token() > start && e.token() < end) {
        entries.set(i, e.withOwner(peer, Math.min(e.free(), end - e.token())));
      }
    }
    if (indexOf(endToken) < 0) {
      int previous = indexAtOrBefore(endToken);
      Entry inserted = new Entry(endToken, self, 0, distance(endToken, nextTokenAfter(endToken)));
      entries.add(previous + 1, inserted);
    }
    assertInvariants();
  }

  private void checkGrant(long start, long end, PeerName peer) {
    if (start >= end) {
      throw new IllegalArgumentException("grant of an empty range");
    }
    if (!universe.contains(new Range(start, end))) {
      throw new IllegalArgumentException("grant outside the universe " + universeText());
    }
    if (peer.equals(self)) {
      throw new IllegalArgumentException("cannot grant a range to ourselves");
    }
    Range granted = new Range(start, end);
    if (!Ranges.subtract(List.of(granted), ownedRanges()).isEmpty()) {
      throw new IllegalArgumentException("cannot grant " + granted + ": not all of it is ours");
    }
  }

  /**
   * Moves every entry of {@code from} to {@code to}, each with a version jump of 100.
   *
   * @param tombstone remember {@code from} as removed (rmpeer), so it cannot take its ranges back
   * @return the number of addresses moved
   */
  public long transfer(PeerName from, PeerName to, boolean tombstone) {
    if (from.equals(to)) {
      throw new IllegalArgumentException("cannot transfer ranges from a peer to itself");
    }
    long moved = 0;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.peer().equals(from)) {
        entries.set(i, new Entry(e.token(), to, e.version() + TRANSFER_VERSION_JUMP, e.free()));
        moved += sizeOf(i);
      }
    }
    if (tombstone) {
      removed.add(from);
    }
    assertInvariants();
    return moved;
  }

  /**
   * Refreshes the free counts of our entries from our space; an entry whose count changed gets a
   * new version. Returns whether any changed.
   */
  public boolean reportFree(ToLongFunction<Range> freeIn) {
    boolean changed = false;
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (!e.peer().equals(self)) {
        continue;
      }
      long free = 0;
      for (Range r : rangesOf(i)) {
        free += freeIn.applyAsLong(r);
      }
      if (free != e.free()) {
        entries.set(i, e.withFree(free));
        changed = true;
      }
    }
    if (changed) {
      assertInvariants();
    }
    return changed;
  }

  /**
   * Merges a received ring into ours. On a conflict nothing changes and the exception says why.
   *
   * @param hasAllocations whether a range of ours (never wrapping) holds allocations: such a
   *     range is never given away by a merge
   */
  public MergeResult merge(RingState theirs, Predicate<Range> hasAllocations)
      throws RingConflictException {
    RingMerge merge = new RingMerge(this, theirs, hasAllocations);
    MergeResult result = merge.run();
    if (result.changed()) {
      entries.clear();
      entries.addAll(merge.mergedEntries());
      if (seeds.isEmpty()) {
        seeds.addAll(theirs.seeds());
      }
      removed.addAll(theirs.removed());
      assertInvariants();
    }
    return result;
  }

  // ---- geometry ----

  /** Distance from {@code a} forward to {@code b} in the universe; a full turn when equal. */
  long distance(long a, long b) {
    return b > a ? b - a : universe.end() - a + b - universe.start();
  }

  /** The token after {@code address}, wrapping; {@code address} itself in a ring of one. */
  private long nextTokenAfter(long address) {
    int i = indexAtOrBefore(address);
    return entries.get((i + 1) % entries.size()).token();
  }

  long sizeOf(int i) {
    return distance(entries.get(i).token(), entries.get((i + 1) % entries.size()).token());
  }

  /** The addresses entry {@code i} covers, as one range or two when it wraps. */
  List<Range> rangesOf(int i) {
    return span(entries, i);
  }

  List<Range> span(List<Entry> list, int i) {
    long from = list.get(i).token();
    long to = list.get((i + 1) % list.size()).token();
    return span(from, to);
  }

  /** {@code [from, to)} going forward with wrap-around; a full turn when equal. */
  List<Range> span(long from, long to) {
    if (to > from) {
      return List.of(new Range(from, to));
    }
    List<Range> parts = new ArrayList<>(2);
    parts.add(new Range(from, universe.end()));
    if (to > universe.start()) {
      parts.add(new Range(universe.start(), to));
    }
    return parts;
  }

  /** Index of the entry with this token, or a negative number. */
  private int indexOf(long token) {
    int i = indexAtOrBefore(token);
    return i >= 0 && entries.get(i).token() == token ? i : -1;
  }

  /** Index of the rightmost entry whose token is at most {@code address}; -1 if none. */
  private int indexAtOrBefore(long address) {
    int low = 0;
    int high = entries.size() - 1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (entries.get(mid).token() <= address) {
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return high;
  }

  // ---- invariants ----

  /** What is wrong with this ring, if anything. */
  public Optional<String> checkInvariants() {
    return RingChecks.entries(universe, entries);
  }

  /** Throws if our own ring broke an invariant: its state can no longer be trusted. */
  public void assertInvariants() {
    checkInvariants().ifPresent(problem -> {
      throw new IllegalStateException("ring invariant broken: " + problem);
    });
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("Ring[" + universeText() + ", seeds=" + seeds);
    for (Entry e : entries) {
      text.append("\n  ").append(e);
    }
    return text.append(']').toString();
  }
}
