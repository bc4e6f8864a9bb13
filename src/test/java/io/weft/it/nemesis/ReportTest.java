package io.weft.it.nemesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report a person reads after a run: counts, faults, phases, anomalies and the picture. */
class ReportTest {
  @TempDir Path dir;

  @Test
  void theReportCountsOutcomesSplitsLatencyByPhaseAndDrawsTheTimeline() throws Exception {
    long s = 1_000_000_000L;
    List<Op> history = List.of(
        new Op(1, Op.Kind.ALLOCATE, "a", "10.32.0.1", 1 * s, 1 * s + 5_000_000, Op.Outcome.OK, ""),
        new Op(1, Op.Kind.ALLOCATE, "b", "10.32.0.2", 12 * s, 12 * s + 90_000_000,
            Op.Outcome.OK, ""),
        new Op(2, Op.Kind.ALLOCATE, "c", null, 13 * s, 23 * s, Op.Outcome.UNKNOWN, "timed out"),
        new Op(1, Op.Kind.ALLOCATE, "d", "10.32.0.3", 25 * s, 25 * s + 7_000_000,
            Op.Outcome.OK, ""),
        new Op(1, Op.Kind.FREE, "a", "10.32.0.1", 50 * s, 50 * s + 1_000_000, Op.Outcome.FAILED,
            "400"));
    List<Fault> faults = List.of(new Fault(Fault.Kind.PAUSE, List.of(2), "SIGSTOP h2", 10 * s,
        20 * s));
    FinalState end = new FinalState(Map.of(), true, 1234, Set.of(), Set.of("p1"), List.of(),
        List.of());
    List<Anomaly> anomalies = List.of(new Anomaly(Anomaly.Kind.LOST, "a is gone"));

    String text = Report.write(dir, 99, 60, history, faults, end, anomalies);

    assertThat(text).contains("seed 99").contains("-Dweft.nemesis.seed=99")
        .containsPattern("ALLOCATE +3 / +0 / +1")
        .containsPattern("FREE +0 / +1 / +0")
        .containsPattern("HEALTHY +1 +5\\.0")
        .containsPattern("FAULTED +1 +90\\.0")
        .containsPattern("AFTER_HEAL +1 +7\\.0")
        .contains("PAUSE", "SIGSTOP h2", "converged in 1234 ms", "anomalies: 1", "LOST: a is gone");
    assertThat(Files.readString(dir.resolve("history.txt")).lines()).hasSize(5);
    byte[] png = Files.readAllBytes(dir.resolve("timeline.png"));
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
  }
}
