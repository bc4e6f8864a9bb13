package io.weft.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulator in CI: many seeds through partitions, loss, duplication, reordering and
 * restarts. A failing seed replays exactly: {@code mvn test -Dtest=SimulatorTest
 * -Dweft.sim.seed=N}. {@code -Dweft.sim.seeds=100000} runs a soak.
 */
class SimulatorTest {
  static final int STEPS = 2_000;

  @Test
  void safetyHoldsAndRingsConvergeForEverySeed() {
    String only = System.getProperty("weft.sim.seed");
    long first = only != null ? Long.parseLong(only) : Long.getLong("weft.sim.first", 1);
    int seeds = only != null ? 1 : Integer.getInteger("weft.sim.seeds", 300);
    long steps = 0;
    long answered = 0;
    long restarts = 0;
    long whileJoining = 0;
    long diskLosses = 0;
    long partitions = 0;
    long started = System.nanoTime();
    for (long seed = first; seed < first + seeds; seed++) {
      Simulation sim = new Simulation(SimOptions.fromSeed(seed, STEPS));
      String violation = sim.run();
      assertThat(violation).as("SEED=%d %s: reproduce with -Dweft.sim.seed=%d", seed,
          sim.options, seed).isNull();
      steps += sim.steps;
      answered += sim.answeredAllocations;
      restarts += sim.restarts;
      whileJoining += sim.answeredWhileJoining;
      diskLosses += sim.diskLosses;
      partitions += sim.partitions;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("simulator: %d seeds from %d, %d steps, %d allocations answered,"
        + " %d partitions, %d restarts with state (%d allocations answered by a restarted peer"
        + " before it heard from anyone), %d disk losses, %.0f steps/s%n", seeds, first,
        steps, answered, partitions, restarts, whileJoining, diskLosses, steps / seconds);
    assertThat(answered).as("the workload allocated something").isPositive();
    if (seeds >= 100) {
      assertThat(whileJoining).as("restarted peers served before joining").isPositive();
    }
  }

  /**
   * Kill one peer of three, stop the others, restart the first alone: it answers from its own
   * ranges before its cluster layer has joined, and once all are back nothing is held twice.
   */
  @Test
  void aRestartedPeerServesFromItsOwnRangesBeforeItHearsFromAnyone() {
    Simulation sim = new Simulation(new SimOptions(18, 3, 0, 2, STEPS, 0, 0, 10, 0, 0, false));
    List<Simulation.Node> nodes = sim.nodes;
    for (int i = 0; i < 3; i++) {
      sim.allocate(nodes.get(i), "before" + i);
      sim.settle();
    }
    for (int i = 0; i < 3; i++) {
      assertThat(nodes.get(i).allocator.lookup("before" + i, null)).as("peer %d", i).hasSize(1);
    }
    nodes.forEach(sim::crash);
    Simulation.Node first = nodes.get(0);
    sim.restartJoining(first);

    String answer = sim.allocate(first, "alone");

    assertThat(answer).as("answered at once from its own ranges").isNotNull();
    assertThat(first.allocator.status().reachable()).as("it has heard from no one").isEmpty();
    assertThat(first.allocator.lookup("before0", null)).hasSize(1);
    assertThat(sim.check()).isNull();
    sim.restartJoining(nodes.get(1));
    sim.restartJoining(nodes.get(2));
    nodes.forEach(sim::finishJoining);
    for (int i = 0; i < 3; i++) {
      sim.allocate(nodes.get(i), "after" + i);
      sim.settle();
    }
    assertThat(sim.check()).isNull();
    assertThat(sim.heal()).isNull();
  }

  /**
   * Seeds that once found a bug: 59 (a restarted peer never gossiped: time sentinel overflow),
   * 240 (rmpeer before the taker saw a donation), 597 (a removed owner's entry beat a live one),
   * 1686 (Paxos promises were not persisted: a restarted peer voted twice, two rings seeded),
   * 3882 (the simulated operator ran rmpeer while a donation of the dead peer was in flight),
   * 16427 (the simulator made counts dishonest: a wiped host plus a peer that missed consensus
   * formed a second quorum).
   */
  @Test
  void seedsThatOnceFoundBugsStayFixed() {
    for (long seed : new long[] {59, 240, 597, 1686, 3882, 16427}) {
      Simulation sim = new Simulation(SimOptions.fromSeed(seed, STEPS));
      assertThat(sim.run()).as("SEED=%d", seed).isNull();
    }
  }

  @Test
  void theCheckerCatchesTwoRingsSeededUnderDishonestCounts() {
    int caught = 0;
    for (long seed = 1; seed <= 50; seed++) {
      Simulation sim = new Simulation(SimOptions.fromSeed(seed, STEPS).withQuorum(1));
      String violation = sim.run();
      if (violation != null && violation.contains("two rings were seeded")) {
        caught++;
      }
    }
    System.out.printf("dishonest quorum 1: violation found in %d of 50 seeds%n", caught);
    assertThat(caught).isPositive();
  }

  @Test
  void theCheckerCatchesDuplicatesFromAForcedRmpeerOfALivePeer() {
    int caught = 0;
    for (long seed = 1; seed <= 50; seed++) {
      Simulation sim = new Simulation(SimOptions.fromSeed(seed, STEPS));
      for (int i = 0; i < 600; i++) {
        sim.step();
      }
      sim.forceRemoveLivePeer();
      String violation = null;
      for (int i = 0; i < 1400 && violation == null; i++) {
        sim.step();
        violation = sim.check();
      }
      if (violation != null && violation.contains("held by")) {
        caught++;
      }
    }
    System.out.printf("forced rmpeer of a live peer: duplicate found in %d of 50 seeds%n", caught);
    assertThat(caught).isPositive();
  }

  /**
   * Seed mode: peers launched with the same seed list build the ring at start, without
   * consensus, through the same partitions, loss and restarts: never two different rings, never an
   * address held twice.
   */
  @Test
  void seedModeNeverBuildsTwoRingsNorHandsOutDuplicates() {
    long answered = 0;
    for (long seed = 1; seed <= 100; seed++) {
      Simulation sim = new Simulation(SimOptions.fromSeed(seed, STEPS).withSeedMode());
      String violation = sim.run();
      assertThat(violation).as("SEED=%d seed mode %s", seed, sim.options).isNull();
      answered += sim.answeredAllocations;
    }
    System.out.printf("simulator, seed mode: 100 seeds, %d allocations answered%n", answered);
    assertThat(answered).isPositive();
  }
}
