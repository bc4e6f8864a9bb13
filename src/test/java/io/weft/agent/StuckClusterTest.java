package io.weft.agent;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import java.util.List;
import org.junit.jupiter.api.Test;

class StuckClusterTest {
  private static final long T0 = 1_000_000;

  @Test
  void aClusterWhoseGreetingsComeBackIsNotStuck() {
    StuckCluster verdict = new StuckCluster(T0);
    for (long t = T0; t < T0 + 10 * StuckCluster.STUCK_MS; t += 5_000) {
      verdict.answered(t);
      assertThat(verdict.stuck(t + 4_999)).isEmpty();
    }
  }

  @Test
  void noGreetingBackForLongerThanTheBoundIsStuckAndSaysWhy() {
    StuckCluster verdict = new StuckCluster(T0);
    verdict.answered(T0 + 1_000);
    assertThat(verdict.stuck(T0 + 1_000 + StuckCluster.STUCK_MS)).isEmpty();
    assertThat(verdict.stuck(T0 + 1_001 + StuckCluster.STUCK_MS)).hasValueSatisfying(why ->
        assertThat(why).contains("greeting to itself").contains("60 s"));
  }

  @Test
  void aLockHeldForLongerThanTheBoundIsStuckEvenWhileGreetingsComeBack() {
    StuckCluster verdict = new StuckCluster(T0);
    verdict.lockWaitStarted(T0);
    verdict.answered(T0 + StuckCluster.STUCK_MS);
    assertThat(verdict.stuck(T0 + StuckCluster.STUCK_MS)).isEmpty();
    assertThat(verdict.stuck(T0 + StuckCluster.STUCK_MS + 1)).hasValueSatisfying(why ->
        assertThat(why).contains("cluster manager has been busy"));
    verdict.lockTaken();
    assertThat(verdict.stuck(T0 + StuckCluster.STUCK_MS + 1)).isEmpty();
  }

  @Test
  void theTimeBeforeTheFirstGreetingCountsFromTheJoin() {
    StuckCluster verdict = new StuckCluster(T0);
    assertThat(verdict.stuck(T0 + StuckCluster.STUCK_MS)).isEmpty();
    assertThat(verdict.stuck(T0 + StuckCluster.STUCK_MS + 1)).isPresent();
  }

  /**
   * Whatever the order in which answers arrive (late replies of earlier probes included), the
   * verdict at any time is "stuck" exactly when the newest answer is older than the bound.
   */
  @Property(tries = 2_000, seed = "20261126")
  void stuckExactlyWhenTheNewestAnswerIsOlderThanTheBound(
      @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 300_000) Integer> answers,
      @ForAll @IntRange(min = 0, max = 400_000) int at) {
    StuckCluster verdict = new StuckCluster(T0);
    long newest = T0;
    for (int a : answers) {
      verdict.answered(T0 + a);
      newest = Math.max(newest, T0 + a);
    }
    long now = Math.max(T0 + at, newest);
    assertThat(verdict.stuck(now).isPresent()).isEqualTo(now - newest > StuckCluster.STUCK_MS);
  }
}
