package io.weft.it.nemesis;

import java.util.List;

/**
 * Which part of the run an operation was invoked in: no fault active (HEALTHY), during a fault
 * (FAULTED), or within {@link #AFTER_HEAL_NANOS} of a fault ending (AFTER_HEAL).
 */
public enum Phase {
  HEALTHY, FAULTED, AFTER_HEAL;

  static final long AFTER_HEAL_NANOS = 15_000_000_000L;

  static Phase of(long t, List<Fault> faults) {
    boolean afterHeal = false;
    for (Fault f : faults) {
      if (f.covers(t)) {
        return FAULTED;
      }
      afterHeal |= t > f.end() && t - f.end() < AFTER_HEAL_NANOS;
    }
    return afterHeal ? AFTER_HEAL : HEALTHY;
  }
}
