package io.weft.agent;

import java.util.Optional;

/**
 * Decides when the cluster layer is stuck, from two probes, with time given (no clock inside).
 *
 * <p>Vert.x's Hazelcast cluster manager handles a member that left while holding its lock, and
 * in that handler scans the cluster's registry of event-bus addresses. After some partitions
 * (a ring of cuts, a peer paused past the failure timeout, then a merge), Hazelcast's partition
 * table does not settle: the scan waits on it for minutes, every later membership change waits
 * behind it, and when it finally fails, the departed member is never reported and this agent's
 * own addresses are not published again. Peers then cannot reach this agent, or it them, while
 * Hazelcast still lists everyone. Two probes see it:
 * <ul>
 *   <li>the cluster manager's lock, taken by a probe every few seconds, is held for longer than
 *       {@link #STUCK_MS};
 *   <li>this agent's own greeting, sent to itself across the clustered event bus (which looks its
 *       address up in the registry), its own entry in the cluster's node list (which peers read
 *       to connect to it), or its greeting address in the registry itself (which the event bus
 *       reads once and then keeps), has not come back for {@link #STUCK_MS}.
 * </ul>
 * Either is a cluster that will not mend by itself; leaving it and joining again does.
 */
final class StuckCluster {
  /** Far above a merge's normal work (seconds), far below what an operator would wait. */
  static final long STUCK_MS = 60_000;

  private long lastAnswerMs;
  private long lockWaitSinceMs = -1;

  /** {@code joinedAtMs}: when the agent joined; probes count from there. */
  StuckCluster(long joinedAtMs) {
    this.lastAnswerMs = joinedAtMs;
  }

  /** This agent's greeting came back across the clustered event bus. */
  synchronized void answered(long nowMs) {
    lastAnswerMs = Math.max(lastAnswerMs, nowMs);
  }

  /** A probe starts waiting for the cluster manager's lock. */
  synchronized void lockWaitStarted(long nowMs) {
    lockWaitSinceMs = nowMs;
  }

  /** The probe got the lock. */
  synchronized void lockTaken() {
    lockWaitSinceMs = -1;
  }

  /** Why the cluster layer is stuck at {@code nowMs}, or empty while it works. */
  synchronized Optional<String> stuck(long nowMs) {
    if (lockWaitSinceMs >= 0 && nowMs - lockWaitSinceMs > STUCK_MS) {
      return Optional.of("Vert.x's cluster manager has been busy with one membership change for "
          + (nowMs - lockWaitSinceMs) / 1000 + " s (Hazelcast's partitions do not settle)");
    }
    if (nowMs - lastAnswerMs > STUCK_MS) {
      return Optional.of("this agent's greeting to itself across the clustered event bus, its"
          + " own entry in the cluster's node list, or its greeting address in the cluster's"
          + " registry, has not come back for "
          + (nowMs - lastAnswerMs) / 1000 + " s (the cluster's registries lost this agent or do"
          + " not answer)");
    }
    return Optional.empty();
  }
}
