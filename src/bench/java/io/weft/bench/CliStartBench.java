package io.weft.bench;

import io.weft.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whole-process wall time of a client command ({@code weft status}) against a running agent,
 * and the agent's launch → {@code /health/live}, each with and without the build's
 * class-data-sharing archives ({@code target/weft-cli.jsa}, {@code target/weft.jsa}), run
 * through the launcher with {@code WEFT_HOME=target} exactly as the installed {@code weft}
 * runs. Alternating runs, so both modes see the same load. Run after {@code mvn package}:
 * {@code mvn -q -Pbench test-compile exec:exec -Dbench.main=io.weft.bench.CliStartBench
 * -Djmh.args="20 3"} (status runs per mode, launches per mode).
 */
public final class CliStartBench {
  private CliStartBench() {}

  public static void main(String[] args) throws Exception {
    int statusRuns = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int launches = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    System.out.printf("load average before: %s%n", BenchFiles.loadAverage());
    Path dir = RestoreBench.prepare(0);
    int http = FreePorts.next();
    Process agent = launcher(true, List.of("launch", "--data-dir", dir.toString(),
        "--http-addr", "127.0.0.1:" + http, "--bridge-addr", "none", "--cluster-addr",
        "127.0.0.1:" + FreePorts.next(), "--bus-port",
        Integer.toString(FreePorts.next()), "--docker-host", "none", "--docker-plugin",
        "none")).redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile())
        .start();
    try {
      RestoreBench.awaitLive(http);
      double[][] status = new double[2][statusRuns];
      for (int i = 0; i < statusRuns; i++) {
        for (int mode = 0; mode < 2; mode++) {
          long t0 = System.nanoTime();
          Process p = launcher(mode == 1, List.of("status", "--http-addr", "127.0.0.1:" + http))
              .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
          if (p.waitFor() != 0) {
            throw new IllegalStateException("weft status exited " + p.exitValue());
          }
          status[mode][i] = (System.nanoTime() - t0) / 1e6;
        }
      }
      for (int mode = 0; mode < 2; mode++) {
        print("weft status" + (mode == 1 ? " with weft-cli.jsa" : " without archive"),
            status[mode]);
      }
    } finally {
      agent.destroy();
      agent.waitFor();
    }
    double[][] live = new double[2][launches];
    for (int i = 0; i < launches; i++) {
      for (int mode = 0; mode < 2; mode++) {
        int port = FreePorts.next();
        long t0 = System.nanoTime();
        Process p = launcher(mode == 1, List.of("launch", "--data-dir", dir.toString(),
            "--http-addr", "127.0.0.1:" + port, "--bridge-addr", "none", "--cluster-addr",
            "127.0.0.1:" + FreePorts.next(), "--bus-port",
            Integer.toString(FreePorts.next()), "--docker-host", "none",
            "--docker-plugin", "none")).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
          RestoreBench.awaitLive(port);
          live[mode][i] = (System.nanoTime() - t0) / 1e6;
        } finally {
          p.destroy();
          p.waitFor();
        }
      }
    }
    for (int mode = 0; mode < 2; mode++) {
      print("launch→live" + (mode == 1 ? " with weft.jsa" : " without archive"), live[mode]);
    }
    System.out.printf("load average after: %s%n", BenchFiles.loadAverage());
  }

  /** The launcher on the build tree; without the archive: a WEFT_HOME holding only the jar. */
  private static ProcessBuilder launcher(boolean archive, List<String> args) throws Exception {
    Path home = Path.of("target").toAbsolutePath();
    if (!archive) {
      home = Path.of("target/bench-no-archive").toAbsolutePath();
      Files.createDirectories(home);
      Path jar = home.resolve("weft.jar");
      if (!Files.exists(jar)) {
        Files.createSymbolicLink(jar, Path.of("target/weft.jar").toAbsolutePath());
      }
    }
    List<String> command = new ArrayList<>(List.of("sh", "src/deb/bin/weft"));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("WEFT_HOME", home.toString());
    return pb;
  }

  private static void print(String what, double[] ms) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    System.out.printf("%-36s p50 %5.0f ms, min %5.0f ms, max %5.0f ms (%d runs)%n", what,
        sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], sorted.length);
  }
}
