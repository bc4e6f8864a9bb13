package io.weft.ipam;

import io.weft.space.Space;
import java.util.Arrays;
import java.util.List;

/**
 * Recording and releasing allocations: the allocation table and the space change together, and
 * every change goes into the outcome as rows to persist and as an event.
 */
final class Ledger {
  private final Allocations allocations;
  private final Space space;

  Ledger(Allocations allocations, Space space) {
    this.allocations = allocations;
    this.space = space;
  }

  /**
   * A restart: the persisted allocations into the table and, those in owned space, marked used
   * in the space, in bulk (sorted once, then one pass over the chunks). No events and nothing to
   * persist: this is the state as it was saved.
   */
  void restore(List<Allocation> restored) {
    PackedAllocations packed = PackedAllocations.of(restored);
    allocations.restore(packed);
    int n = packed.size();
    if (ascending(packed)) { // as the store reads them: no sorted copy in fresh memory
      space.claimAscending(packed::ip, n);
    } else {
      long[] addresses = new long[n];
      for (int i = 0; i < n; i++) {
        addresses[i] = packed.ip(i);
      }
      Arrays.sort(addresses);
      space.claimAscending(i -> addresses[i], n);
    }
  }

  private static boolean ascending(PackedAllocations packed) {
    for (int i = 1; i < packed.size(); i++) {
      if (packed.ip(i) < packed.ip(i - 1)) {
        return false;
      }
    }
    return true;
  }

  void record(Allocation a, Outcome out) {
    allocations.add(a);
    out.added.add(a);
    out.persist = true;
    out.event(EventType.ALLOCATED, a.ident(), a.address().toString(), null, null);
  }

  void release(Allocation a, Outcome out) {
    allocations.remove(a);
    out.removed.add(a);
    long address = a.ip();
    if (space.isUsed(address)) {
      space.free(address);
    }
    out.persist = true;
    out.event(EventType.FREED, a.ident(), a.address().toString(), null, null);
  }
}
