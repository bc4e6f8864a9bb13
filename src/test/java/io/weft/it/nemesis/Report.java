package io.weft.it.nemesis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The run's report in {@code dir}: {@code report.txt} (seed, counts per operation and outcome,
 * faults, anomalies, allocation latency per phase), {@code history.txt} (every operation, one a
 * line, in invocation order) and {@code timeline.png} ({@link Timeline}).
 */
public final class Report {
  private Report() {
  }

  public static String write(Path dir, long seed, long seconds, List<Op> history,
      List<Fault> faults, FinalState end, List<Anomaly> anomalies) throws IOException {
    Files.createDirectories(dir);
    String text = text(seed, seconds, history, faults, end, anomalies);
    Files.writeString(dir.resolve("report.txt"), text);
    StringBuilder lines = new StringBuilder();
    history.stream().sorted(java.util.Comparator.comparingLong(Op::invoked)).forEach(o -> lines
        .append(String.format(Locale.ROOT, "%9.3f %9.3f h%d %-8s %-7s %-14s %-15s %s%n",
            o.invoked() / 1e9, o.completed() / 1e9, o.host(), o.kind(), o.outcome(), o.ident(),
            o.address(), o.detail())));
    Files.writeString(dir.resolve("history.txt"), lines);
    Timeline.write(dir.resolve("timeline.png"), seed, history, faults);
    return text;
  }

  static String text(long seed, long seconds, List<Op> history, List<Fault> faults,
      FinalState end, List<Anomaly> anomalies) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "nemesis run: seed %d, %d s of faults, %d operations%n",
        seed, seconds, history.size()));
    out.append("replay: -Dweft.nemesis.seed=").append(seed).append(" -Dweft.nemesis.seconds=")
        .append(seconds).append("\n\noperations (ok / failed / unknown):\n");
    for (Op.Kind kind : Op.Kind.values()) {
      Map<Op.Outcome, Integer> n = new EnumMap<>(Op.Outcome.class);
      history.stream().filter(o -> o.kind() == kind).forEach(o -> n.merge(o.outcome(), 1,
          Integer::sum));
      out.append(String.format(Locale.ROOT, "  %-8s %6d / %6d / %6d%n", kind,
          n.getOrDefault(Op.Outcome.OK, 0), n.getOrDefault(Op.Outcome.FAILED, 0),
          n.getOrDefault(Op.Outcome.UNKNOWN, 0)));
    }
    out.append("\nfaults:\n");
    for (Fault f : faults) {
      out.append(String.format(Locale.ROOT, "  %7.1f-%7.1f s %-16s %s%n", f.start() / 1e9,
          f.end() / 1e9, f.kind(), f.description()));
    }
    out.append("\nallocation latency, ms, answered ok (by phase the request was invoked in):\n");
    Map<Phase, List<Double>> latencies = new TreeMap<>();
    for (Op o : history) {
      if (o.kind() == Op.Kind.ALLOCATE && o.outcome() == Op.Outcome.OK) {
        latencies.computeIfAbsent(Phase.of(o.invoked(), faults), p -> new ArrayList<>())
            .add(o.latencyMs());
      }
    }
    out.append(String.format(Locale.ROOT, "  %-10s %6s %8s %8s %8s %8s%n", "phase", "n", "p50",
        "p90", "p99", "max"));
    latencies.forEach((phase, l) -> {
      l.sort(Double::compare);
      out.append(String.format(Locale.ROOT, "  %-10s %6d %8.1f %8.1f %8.1f %8.1f%n", phase,
          l.size(), pct(l, 50), pct(l, 90), pct(l, 99), l.get(l.size() - 1)));
    });
    out.append(String.format(Locale.ROOT, "%nrings after the final heal: %s in %d ms; live peers"
        + " %s%n", end.ringsConverged() ? "converged" : "NOT converged", end.convergedMs(),
        end.livePeers()));
    out.append("\nanomalies: ").append(anomalies.size()).append('\n');
    anomalies.forEach(a -> out.append("  ").append(a).append('\n'));
    return out.toString();
  }

  static double pct(List<Double> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }
}
