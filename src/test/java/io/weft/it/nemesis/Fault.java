package io.weft.it.nemesis;

import java.util.List;

/**
 * One fault the nemesis applied, from {@code start} to {@code end} (nanoseconds since the run
 * started). {@code hosts} are the hosts it touched; for {@link Kind#LOSE_DISK} the allocations of
 * that host answered before {@code start} are gone with its disk (its old peer removed with
 * rmpeer).
 */
public record Fault(Kind kind, List<Integer> hosts, String description, long start, long end) {

  /** The faults the nemesis knows. */
  public enum Kind {
    PARTITION_ONE, PARTITION_HALVES, PARTITION_BRIDGE, PARTITION_RING, KILL, PAUSE, LOSE_DISK,
    /** A host's data directory (a small tmpfs) filled, then emptied: changes answered 503. */
    DISK_FULL;

    /** Whether this fault cuts the network (as opposed to stopping processes). */
    public boolean partition() {
      return name().startsWith("PARTITION");
    }
  }

  boolean covers(long t) {
    return t >= start && t <= end;
  }
}
