package io.weft.ipam;

import io.weft.space.Space;

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

  void record(Allocation a, Outcome out) {
    allocations.add(a);
    out.added.add(a);
    out.persist = true;
    out.event(EventType.ALLOCATED, a.ident(), a.address().toString(), null, null);
  }

  void release(Allocation a, Outcome out) {
    allocations.remove(a);
    out.removed.add(a);
    long address = a.address().address();
    if (space.isUsed(address)) {
      space.free(address);
    }
    out.persist = true;
    out.event(EventType.FREED, a.ident(), a.address().toString(), null, null);
  }
}
