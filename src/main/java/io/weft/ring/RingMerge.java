package io.weft.ring;

import io.weft.net.Range;
import io.weft.net.Ranges;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * One merge of a received ring into ours, following the original's rules: the higher version
 * wins; only an owner changes its entries; a received entry that would take allocated addresses
 * of ours is a conflict, one that takes only free addresses of ours is accepted (a repair).
 * Entries of peers removed with rmpeer never beat live entries.
 */
final class RingMerge {
  private final Ring ours;
  private final RingState theirs;
  private final Predicate<Range> hasAllocations;
  private final PeerName self;
  private final Set<PeerName> removed = new TreeSet<>();
  private final List<Entry> merged = new ArrayList<>();
  private boolean updated;
  private boolean reimposed;

  RingMerge(Ring ours, RingState theirs, Predicate<Range> hasAllocations) {
    this.ours = ours;
    this.theirs = theirs;
    this.hasAllocations = hasAllocations;
    this.self = ours.self();
    removed.addAll(ours.removed());
    removed.addAll(theirs.removed());
  }

  List<Entry> mergedEntries() {
    return merged;
  }

  MergeResult run() throws RingConflictException {
    checkCompatible();
    walk();
    clampFree();
    boolean changed = !sameEntries(ours.entries(), merged)
        || (ours.seeds().isEmpty() && !theirs.seeds().isEmpty())
        || !ours.removed().containsAll(theirs.removed());
    if (!changed) {
      return MergeResult.NOTHING;
    }
    var broken = RingChecks.entries(ours.universe(), merged);
    if (broken.isPresent()) {
      throw new RingConflictException(RingConflictException.Kind.INVALID,
          "Merge of incoming data causes: " + broken.get());
    }
    List<Range> before = ours.ownedRanges();
    List<Range> after = ownedAfter();
    return new MergeResult(updated || !ours.removed().containsAll(theirs.removed()), true,
        reimposed, Ranges.subtract(before, after), Ranges.subtract(after, before));
  }

  private void checkCompatible() throws RingConflictException {
    if (theirs.removed().contains(self)) {
      throw new RingConflictException(RingConflictException.Kind.REMOVED, "this peer (" + self
          + ") was removed with rmpeer by another peer and must not use its old ranges: reset it"
          + " (weft reset, or remove its data directory) before it rejoins");
    }
    if (!theirs.universe().equals(ours.universe())) {
      throw new RingConflictException(RingConflictException.Kind.DIFFERENT_RANGE,
          "Incompatible IP allocation ranges (received: " + RingChecks.describe(theirs.universe())
              + ", ours: " + ours.universeText() + ")");
    }
    var invalid = RingChecks.entries(theirs.universe(), theirs.entries());
    if (invalid.isPresent()) {
      throw new RingConflictException(RingConflictException.Kind.INVALID,
          "received ring is invalid: " + invalid.get());
    }
    if (!ours.seeds().isEmpty() && !theirs.seeds().isEmpty()
        && !ours.seeds().equals(theirs.seeds())) {
      throw new RingConflictException(RingConflictException.Kind.DIFFERENT_SEEDS,
          "IP allocation was seeded by different peers (received: " + theirs.seeds()
              + ", ours: " + ours.seeds() + ")");
    }
  }

  /** Two-pointer walk over both sorted entry lists. */
  private void walk() throws RingConflictException {
    List<Entry> mine = ours.entries();
    List<Entry> their = theirs.entries();
    // The addresses before our first token belong to our last entry (wrap-around).
    PeerName previousOwner = mine.isEmpty() ? null : mine.get(mine.size() - 1).peer();
    int i = 0;
    int j = 0;
    while (i < mine.size() || j < their.size()) {
      Entry m = i < mine.size() ? mine.get(i) : null;
      Entry t = j < their.size() ? their.get(j) : null;
      if (t == null || (m != null && m.token() < t.token())) {
        merged.add(m);
        previousOwner = m.peer();
        i++;
      } else if (m == null || m.token() > t.token()) {
        long nextMine = m != null ? m.token() : (mine.isEmpty() ? t.token() : mine.get(0).token());
        if (self.equals(previousOwner) && !t.peer().equals(self)
            && allocatedIn(t.token(), nextMine)) {
          throw conflict("Peer " + t.peer() + " says it owns the IP range from "
              + address(t.token()) + ", which I think I own");
        }
        take(t);
        previousOwner = null;
        j++;
      } else {
        previousOwner = mergeSameToken(m, t, nextToken(mine, i)) ? null : m.peer();
        i++;
        j++;
      }
    }
  }

  /** Returns true when theirs was taken. */
  private boolean mergeSameToken(Entry m, Entry t, long myNext) throws RingConflictException {
    // A live owner beats a removed one whatever the versions: a peer removed with rmpeer may
    // have edited its entries while away, and must not win them back.
    if (removed.contains(t.peer()) != removed.contains(m.peer())) {
      if (removed.contains(t.peer())) {
        merged.add(m);
        return false;
      }
      take(t);
      return true;
    }
    if (m.version() > t.version() || m.sameAs(t)) {
      merged.add(m);
      return false;
    }
    if (m.version() == t.version()) {
      if (m.peer().equals(self) && allocatedIn(m.token(), myNext)) {
        throw conflict("Inconsistent entries for " + address(m.token()) + ": owned by "
            + m.peer() + " but incoming message says " + t.peer());
      }
      // Tie-break that both sides reach alike: more free wins, then the larger peer name.
      if (m.free() > t.free() || (m.free() == t.free() && m.peer().compareTo(t.peer()) > 0)) {
        merged.add(m);
        return false;
      }
      take(t);
      return true;
    }
    // Theirs is newer.
    if (!m.peer().equals(self)) {
      take(t);
      return true;
    }
    if (t.peer().equals(self)) {
      // Someone holds a newer version of an entry of ours (e.g. from before our restart):
      // re-impose our view above it.
      merged.add(m.withVersion(t.version() + 1));
      reimposed = true;
      return false;
    }
    if (allocatedIn(m.token(), myNext)) {
      throw conflict("Received update for IP range I own at " + address(m.token()) + " v"
          + m.version() + ": incoming message says owner " + t.peer() + " v" + t.version());
    }
    take(t);
    return true;
  }

  private void take(Entry t) {
    merged.add(t);
    updated = true;
  }

  private boolean allocatedIn(long from, long to) {
    for (Range r : ours.span(from, to)) {
      if (hasAllocations.test(r)) {
        return true;
      }
    }
    return false;
  }

  private static long nextToken(List<Entry> list, int i) {
    return list.get((i + 1) % list.size()).token();
  }

  /** A taken split can leave an entry reporting more free space than it now spans. */
  private void clampFree() {
    for (int i = 0; i < merged.size(); i++) {
      Entry e = merged.get(i);
      long size = ours.distance(e.token(), nextToken(merged, i));
      if (e.free() > size) {
        merged.set(i, new Entry(e.token(), e.peer(), e.version(), size));
      }
    }
  }

  private List<Range> ownedAfter() {
    List<Range> owned = new ArrayList<>();
    for (int i = 0; i < merged.size(); i++) {
      if (merged.get(i).peer().equals(self)) {
        owned.addAll(ours.span(merged, i));
      }
    }
    return Ranges.coalesce(owned);
  }

  private static boolean sameEntries(List<Entry> a, List<Entry> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).sameAs(b.get(i)) || a.get(i).free() != b.get(i).free()) {
        return false;
      }
    }
    return true;
  }

  private static String address(long token) {
    return io.weft.net.Ip.format(token);
  }

  private static RingConflictException conflict(String message) {
    return new RingConflictException(RingConflictException.Kind.CONFLICT, message);
  }
}
