package io.weft.sim;

import java.util.SplittableRandom;

/**
 * One simulation's parameters, all derived from its seed (so a seed alone replays a run).
 * Probabilities are per mille of steps or messages.
 */
record SimOptions(long seed, int peers, int observers, int quorum, int steps,
    int dropPerMille, int duplicatePerMille, int maxDelayMs, int partitionPerMille,
    int restartPerMille, boolean seedMode) {

  static SimOptions fromSeed(long seed, int steps) {
    SplittableRandom r = new SplittableRandom(seed);
    int peers = 3 + r.nextInt(10);
    int observers = r.nextInt(4) == 0 ? 1 : 0;
    int electors = peers - observers;
    return new SimOptions(seed, peers, observers, electors / 2 + 1, steps,
        r.nextInt(200), r.nextInt(100), 1 + r.nextInt(500), 2 + r.nextInt(15),
        r.nextInt(12), false);
  }

  /** Dishonest counts: every peer believes it is alone, so any partition seeds its own ring. */
  SimOptions withQuorum(int quorum) {
    return new SimOptions(seed, peers, observers, quorum, steps, dropPerMille, duplicatePerMille,
        maxDelayMs, partitionPerMille, restartPerMille, seedMode);
  }

  /**
   * Seed mode: every peer is launched with the same seed list (the first three peers) and builds
   * the ring at start, without consensus.
   */
  SimOptions withSeedMode() {
    return new SimOptions(seed, peers, observers, quorum, steps, dropPerMille, duplicatePerMille,
        maxDelayMs, partitionPerMille, restartPerMille, true);
  }
}
