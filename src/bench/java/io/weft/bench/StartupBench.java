package io.weft.bench;

import io.weft.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Start-up as an operator sees it, whole processes from {@code target/weft.jar}: launch to
 * {@code /health/live}; launch to the first allocation of a single agent; a peer of three killed
 * with -9 and restarted while the other two are down (a host reboot), launch to its first
 * allocation; three agents launched at the same moment, launch to the first allocation answered
 * (it needs their consensus). Build first ({@code mvn -q package -DskipTests}), then run:
 * {@code mvn -q -Pbench test-compile exec:exec -Dbench.main=io.weft.bench.StartupBench
 * -Djmh.args=5} (rounds of each), or {@code -Djmh.args="5 launcher"} to start the agents through
 * the launcher with the build's class-data-sharing archive, as the installed unit does.
 */
public final class StartupBench {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(1)).build();

  /** One agent process with its own ports and data directory. */
  private record Agent(Path data, int http, int cluster, int bus) {
    static Agent fresh(Path dir, String name) throws IOException {
      return new Agent(dir.resolve(name), FreePorts.next(), FreePorts.next(), FreePorts.next());
    }

    String clusterAddr() {
      return "127.0.0.1:" + cluster;
    }

    Process launch(String clusterName, List<String> peers) throws IOException {
      List<String> command = new ArrayList<>(throughLauncher
          ? List.of("sh", "src/deb/bin/weft") : List.of("java", "-jar", "target/weft.jar"));
      command.addAll(List.of("launch", "--data-dir", data.toString(), "--http-addr", "127.0.0.1:" + http,
          "--cluster-addr", clusterAddr(), "--bus-port", Integer.toString(bus), "--bridge-addr",
          "none", "--docker-host", "none", "--docker-plugin", "none", "--cluster-name",
          clusterName));
      command.addAll(peers);
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(
              data.resolveSibling(data.getFileName() + ".log").toFile()));
      builder.environment().put("WEFT_HOME", "target");
      return builder.start();
    }
  }

  /** Launch as the installed unit does (the launcher, with {@code weft.jsa}) or as plain java. */
  private static boolean throughLauncher;

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    throughLauncher = args.length > 1 && args[1].equals("launcher");
    System.out.println(throughLauncher
        ? "through src/deb/bin/weft with WEFT_HOME=target (target/weft.jsa when it is there)"
        : "java -jar target/weft.jar (no archive)");
    Path dir = Files.createTempDirectory("weft-startup-bench");
    System.out.printf("load average before: %s%n", BenchFiles.loadAverage());
    long[] live = new long[rounds];
    long[] firstAlone = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long[] r = single(dir, i);
      live[i] = r[0];
      firstAlone[i] = r[1];
    }
    long[] restart = restartAlone(dir, rounds);
    long[] three = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      three[i] = threeAtOnce(dir, i);
    }
    System.out.printf("load average after: %s%n", BenchFiles.loadAverage());
    report("one launch -> /health/live                    ", live);
    report("one launch -> first allocation (quorum 1)     ", firstAlone);
    report("restart alone, 2 peers down -> first allocation", restart);
    report("3 launches at once -> first allocation        ", three);
    keepSlowestLogs(dir, three);
    new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
  }

  /**
   * Copies the three agents' logs of the slowest launch of three to
   * {@code target/startup-bench-slowest}, so that an outlier can be explained after the run.
   */
  private static void keepSlowestLogs(Path dir, long[] three) throws IOException {
    int slowest = 0;
    for (int i = 1; i < three.length; i++) {
      if (three[i] > three[slowest]) {
        slowest = i;
      }
    }
    Path kept = Path.of("target", "startup-bench-slowest");
    if (Files.exists(kept)) {
      BenchFiles.deleteTree(kept); // an earlier run's
    }
    Files.createDirectories(kept);
    for (int i = 0; i < 3; i++) {
      Path log = dir.resolve("three" + slowest + "-" + i + ".log");
      if (Files.exists(log)) {
        Files.copy(log, kept.resolve(log.getFileName()),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    System.out.printf("the agents' logs of the slowest launch of three (%d ms): %s%n",
        three[slowest] / 1_000_000, kept);
  }

  /** A fresh single agent: launch to live, and launch to its first allocation. */
  private static long[] single(Path dir, int round) throws Exception {
    Agent a = Agent.fresh(dir, "single" + round);
    long started = System.nanoTime();
    Process p = a.launch("bench-" + System.nanoTime(), List.of());
    try {
      awaitStatus(a, p, "GET", "/health/live", 200);
      long live = System.nanoTime() - started;
      awaitStatus(a, p, "POST", "/ip/first", 200);
      return new long[] {live, System.nanoTime() - started};
    } finally {
      stop(p);
    }
  }

  /** Three peers with a ring; then peer 0 is killed, the others stopped, and 0 restarted. */
  private static long[] restartAlone(Path dir, int rounds) throws Exception {
    String clusterName = "bench-" + System.nanoTime();
    List<Agent> agents = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      agents.add(Agent.fresh(dir, "restart" + i));
    }
    List<Process> processes = new ArrayList<>();
    long[] took = new long[rounds];
    try {
      for (Agent a : agents) {
        processes.add(a.launch(clusterName, peersOf(a, agents)));
      }
      for (int i = 0; i < 3; i++) {
        awaitStatus(agents.get(i), processes.get(i), "POST", "/ip/before", 200);
      }
      processes.get(0).destroyForcibly().waitFor();
      stop(processes.get(1));
      stop(processes.get(2));
      Agent first = agents.get(0);
      for (int i = 0; i < rounds; i++) {
        long started = System.nanoTime();
        Process p = first.launch(clusterName, peersOf(first, agents));
        processes.set(0, p);
        awaitStatus(first, p, "POST", "/ip/again" + i, 200);
        took[i] = System.nanoTime() - started;
        p.destroyForcibly().waitFor();
      }
    } finally {
      for (Process p : processes) { // a failed round leaves none running
        p.destroyForcibly().waitFor();
      }
    }
    return took;
  }

  /** Three fresh agents launched together: launch to the first allocation answered by one. */
  private static long threeAtOnce(Path dir, int round) throws Exception {
    String clusterName = "bench-" + System.nanoTime();
    List<Agent> agents = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      agents.add(Agent.fresh(dir, "three" + round + "-" + i));
    }
    List<Process> processes = new ArrayList<>();
    long started = System.nanoTime();
    try {
      for (Agent a : agents) {
        processes.add(a.launch(clusterName, peersOf(a, agents)));
      }
      awaitStatus(agents.get(0), processes.get(0), "POST", "/ip/first", 200);
      return System.nanoTime() - started;
    } finally {
      for (Process p : processes) {
        stop(p);
      }
    }
  }

  private static List<String> peersOf(Agent self, List<Agent> all) {
    return all.stream().filter(a -> a != self).map(Agent::clusterAddr).toList();
  }

  /** Polls every 10 ms (a refused connection is retried) until the answer has {@code status}. */
  private static void awaitStatus(Agent a, Process p, String method, String path, int status)
      throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.http + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(60))
        .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("the agent exited with " + p.exitValue() + "; see "
            + a.data.resolveSibling(a.data.getFileName() + ".log"));
      }
      try {
        if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == status) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException(method + " " + path + " did not answer " + status
        + " within 120 s; see the logs in " + a.data.getParent());
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
    }
  }

  private static void report(String what, long[] nanos) {
    long[] ms = Arrays.stream(nanos).map(n -> n / 1_000_000).sorted().toArray();
    System.out.printf("%s  median %5d ms  min %5d  max %5d  (%d runs)%n", what,
        ms[ms.length / 2], ms[0], ms[ms.length - 1], ms.length);
  }
}
