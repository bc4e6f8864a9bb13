package io.weft.space;

import io.weft.net.Ip;
import io.weft.net.Range;
import io.weft.net.Ranges;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.IntToLongFunction;

/**
 * The addresses this peer owns and which of them are in use. Ownership comes from the ring; use
 * comes from allocations and claims. Owned ranges are kept as chunks of bits, one per range the
 * ring gave us, so a peer owning a whole /12 with a million addresses in use costs 128 KiB.
 *
 * <p>Not thread-safe; one space belongs to one allocator.
 */
public final class Space {
  private final TreeMap<Long, Chunk> chunks = new TreeMap<>();

  // ---- ownership ----

  /** Takes ownership of every address of {@code ranges} not owned yet, all free. */
  public void addRanges(Collection<Range> ranges) {
    for (Range missing : Ranges.subtract(ranges, ownedRanges())) {
      chunks.put(missing.start(), new Chunk(missing.start(), missing.end()));
    }
    assertInvariants();
  }

  /**
   * Gives up ownership of {@code ranges}. A merge only takes ranges without allocations, so the
   * list returned, of the addresses that were in use there and are now dropped, is normally empty.
   */
  public List<Long> removeRanges(Collection<Range> ranges) {
    List<Long> dropped = new ArrayList<>();
    for (Range r : Ranges.coalesce(ranges)) {
      for (Chunk c : overlapping(r)) {
        chunks.remove(c.start);
        for (long a = c.nextUsed(r.start(), r.end()); a >= 0; a = c.nextUsed(a + 1, r.end())) {
          dropped.add(a);
        }
        if (c.start < r.start()) {
          chunks.put(c.start, c.slice(c.start, r.start()));
        }
        if (c.end > r.end()) {
          chunks.put(r.end(), c.slice(r.end(), c.end));
        }
      }
    }
    assertInvariants();
    return dropped;
  }

  /** Drops everything (shutdown with reset). */
  public void clear() {
    chunks.clear();
  }

  /** What we own, sorted and coalesced. */
  public List<Range> ownedRanges() {
    List<Range> owned = new ArrayList<>(chunks.size());
    for (Chunk c : chunks.values()) {
      owned.add(c.range());
    }
    return Ranges.coalesce(owned);
  }

  public boolean isOwned(long address) {
    return chunkOf(address) != null;
  }

  public boolean isUsed(long address) {
    Chunk c = chunkOf(address);
    return c != null && c.isUsed(address);
  }

  // ---- use ----

  /** Marks the lowest free owned address in {@code range} as used and returns it. */
  public OptionalLong allocate(Range range) {
    for (Chunk c : overlapping(range)) {
      long a = c.nextFree(range.start(), range.end());
      if (a >= 0) {
        c.set(a);
        return OptionalLong.of(a);
      }
    }
    return OptionalLong.empty();
  }

  /** Marks an owned, free address as used. */
  public void claim(long address) {
    Chunk c = chunkOf(address);
    if (c == null) {
      throw new IllegalArgumentException("address " + Ip.format(address) + " is not ours");
    }
    if (c.isUsed(address)) {
      throw new IllegalArgumentException("address " + Ip.format(address)
          + " is not free to claim");
    }
    c.set(address);
  }

  /**
   * Restore: marks every owned, free address of {@code addresses} (the first {@code count}, by
   * index, ascending) as used; addresses not owned, or already used, are skipped. One pass over
   * the chunks in step with the addresses, instead of a tree lookup per address: a restart
   * re-claims up to a million.
   */
  public void claimAscending(IntToLongFunction addresses, int count) {
    java.util.Iterator<Chunk> it = chunks.values().iterator();
    Chunk c = it.hasNext() ? it.next() : null;
    long previous = Long.MIN_VALUE;
    for (int i = 0; i < count && c != null; i++) {
      long a = addresses.applyAsLong(i);
      if (a < previous) {
        throw new IllegalArgumentException("addresses to claim are not in ascending order at "
            + Ip.format(a));
      }
      previous = a;
      while (c != null && c.end <= a) {
        c = it.hasNext() ? it.next() : null;
      }
      if (c != null && c.contains(a) && !c.isUsed(a)) {
        c.set(a);
      }
    }
  }

  /** Marks an owned, used address as free. */
  public void free(long address) {
    Chunk c = chunkOf(address);
    if (c == null || !c.isUsed(address)) {
      throw new IllegalArgumentException("address " + Ip.format(address) + " is not in use here");
    }
    c.clear(address);
  }

  public long numFreeInRange(Range range) {
    long free = 0;
    for (Chunk c : overlapping(range)) {
      Range part = c.range().intersect(range);
      free += part.size() - c.countUsed(part.start(), part.end());
    }
    return free;
  }

  public boolean hasAllocations(Range range) {
    for (Chunk c : overlapping(range)) {
      if (c.countUsed(range.start(), range.end()) > 0) {
        return true;
      }
    }
    return false;
  }

  public long numOwned() {
    long owned = 0;
    for (Chunk c : chunks.values()) {
      owned += c.size();
    }
    return owned;
  }

  public long numUsed() {
    long used = 0;
    for (Chunk c : chunks.values()) {
      used += c.used();
    }
    return used;
  }

  // ---- donation ----

  /**
   * Gives away free space in {@code range}: the largest CIDR-aligned free block there, or only
   * its upper half when that block is more than half our free space in the range (so a donor
   * keeps room for itself). The block leaves our space; empty when nothing is free.
   */
  public Optional<Range> donate(Range range) {
    Range biggest = null;
    for (Range run : freeRuns(range)) {
      Range block = run.biggestCidr();
      if (biggest == null || block.size() >= biggest.size()) {
        biggest = block;
      }
    }
    if (biggest == null) {
      return Optional.empty();
    }
    if (biggest.size() > 1 && biggest.size() > numFreeInRange(range) / 2) {
      biggest = new Range(biggest.start() + biggest.size() / 2, biggest.end());
    }
    removeRanges(List.of(biggest));
    return Optional.of(biggest);
  }

  /** The maximal runs of free owned addresses inside {@code range}, in address order. */
  List<Range> freeRuns(Range range) {
    List<Range> runs = new ArrayList<>();
    for (Chunk c : overlapping(range)) {
      long to = Math.min(range.end(), c.end);
      long at = c.nextFree(range.start(), to);
      while (at >= 0) {
        long used = c.nextUsed(at, to);
        long runEnd = used < 0 ? to : used;
        addRun(runs, new Range(at, runEnd));
        at = runEnd < to ? c.nextFree(runEnd, to) : -1;
      }
    }
    return runs;
  }

  private static void addRun(List<Range> runs, Range run) {
    int last = runs.size() - 1;
    if (last >= 0 && runs.get(last).end() == run.start()) {
      runs.set(last, new Range(runs.get(last).start(), run.end()));
    } else {
      runs.add(run);
    }
  }

  // ---- lookup ----

  private Chunk chunkOf(long address) {
    Map.Entry<Long, Chunk> e = chunks.floorEntry(address);
    return e != null && e.getValue().contains(address) ? e.getValue() : null;
  }

  private List<Chunk> overlapping(Range range) {
    List<Chunk> found = new ArrayList<>(2);
    if (range.isEmpty()) {
      return found;
    }
    Long from = chunks.floorKey(range.start());
    for (Chunk c : chunks.subMap(from == null ? range.start() : from, range.end()).values()) {
      if (c.end > range.start()) {
        found.add(c);
      }
    }
    return found;
  }

  // ---- invariants ----

  public Optional<String> checkInvariants() {
    Chunk previous = null;
    for (Map.Entry<Long, Chunk> e : chunks.entrySet()) {
      Chunk c = e.getValue();
      if (e.getKey() != c.start) {
        return Optional.of("chunk filed under the wrong start " + Ip.format(e.getKey()));
      }
      if (previous != null && previous.end > c.start) {
        return Optional.of("chunks overlap at " + Ip.format(c.start));
      }
      if (!c.consistent()) {
        return Optional.of("chunk " + c.range() + " miscounts its addresses in use");
      }
      previous = c;
    }
    return Optional.empty();
  }

  public void assertInvariants() {
    checkInvariants().ifPresent(problem -> {
      throw new IllegalStateException("space invariant broken: " + problem);
    });
  }
}
