package io.weft.ipam;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Containers that died keep their addresses for a grace period, in case they start again; a
 * container removed for good, or one the engine no longer lists, loses them at once. Only
 * container allocations are freed this way.
 */
final class ContainerGrace {
  private final Map<String, Long> deadSinceMs = new HashMap<>();
  private final long graceMs;
  private final Allocations allocations;
  private final Ledger ledger;

  ContainerGrace(long graceMs, Allocations allocations, Ledger ledger) {
    this.graceMs = graceMs;
    this.allocations = allocations;
    this.ledger = ledger;
  }

  /** The container stopped: its addresses go after the grace, unless it starts again. */
  void died(long nowMs, String ident) {
    if (!allocations.of(ident).isEmpty()) {
      deadSinceMs.putIfAbsent(ident, nowMs);
    }
  }

  /** The ident is alive (started, or asked for an address): no grace runs for it. */
  void alive(String ident) {
    deadSinceMs.remove(ident);
  }

  boolean isDead(String ident) {
    return deadSinceMs.containsKey(ident);
  }

  /** The container is gone for good: its container addresses are freed now. */
  void destroyed(String ident, Outcome out) {
    deadSinceMs.remove(ident);
    releaseContainerAddresses(ident, out);
  }

  /** Frees container allocations whose container is not among {@code live}. */
  void prune(Set<String> live, Outcome out) {
    for (Allocation a : allocations.all()) {
      if (a.container() && !live.contains(a.ident())) {
        ledger.release(a, out);
        deadSinceMs.remove(a.ident());
      }
    }
  }

  /** Frees the addresses of containers dead past their grace. */
  void sweep(long nowMs, Outcome out) {
    for (Iterator<Map.Entry<String, Long>> it = deadSinceMs.entrySet().iterator();
        it.hasNext();) {
      Map.Entry<String, Long> dead = it.next();
      if (nowMs - dead.getValue() >= graceMs) {
        it.remove();
        releaseContainerAddresses(dead.getKey(), out);
      }
    }
  }

  void clear() {
    deadSinceMs.clear();
  }

  private void releaseContainerAddresses(String ident, Outcome out) {
    for (Allocation a : new ArrayList<>(allocations.of(ident))) {
      if (a.container()) {
        ledger.release(a, out);
      }
    }
  }
}
