package io.weft.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What the benchmarks share about the machine they run on: scratch directories, removed when a run
 * is over, and the load average printed before and after a run so that a figure taken on a busy
 * machine shows as such.
 */
final class BenchFiles {
  private BenchFiles() {}

  /** Deletes {@code dir} and everything in it. */
  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * The machine's load averages over 1, 5 and 15 minutes, as {@code /proc/loadavg} gives them
   * ({@code "0.41 0.62 0.80"}); its other fields (runnable tasks, last pid) say nothing about a run.
   */
  static String loadAverage() throws IOException {
    String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split(" ");
    return String.join(" ", fields[0], fields[1], fields[2]);
  }
}
