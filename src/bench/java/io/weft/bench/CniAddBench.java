package io.weft.bench;

import io.weft.testing.FreePorts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * weft-ipam ADD end to end, as a runtime sees it: from starting {@code target/cni/weft-ipam} to
 * its exit with the result, against a warm agent (started from {@code target/weft.jar}) that has
 * a ring. Calls with and without the class-data-sharing archive alternate, so that both see the
 * same load. Build first ({@code mvn -q package -DskipTests}), then run: {@code mvn -q -Pbench
 * test-compile exec:exec -Dbench.main=io.weft.bench.CniAddBench -Djmh.args=200}.
 */
public final class CniAddBench {
  private static final Path PLUGIN = Path.of("target/cni/weft-ipam").toAbsolutePath();

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    Path dir = Files.createTempDirectory("weft-cni-bench");
    int http = FreePorts.next();
    Process agent = new ProcessBuilder("java", "-jar", "target/weft.jar", "launch", "--data-dir",
        dir.resolve("data").toString(), "--http-addr", "127.0.0.1:" + http, "--cluster-addr",
        "127.0.0.1:" + FreePorts.next(), "--bus-port", Integer.toString(FreePorts.next()),
        "--bridge-addr", "none",
        "--docker-host", "none", "--cluster-name", "bench-" + System.nanoTime())
        .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
    try {
      awaitRing(http);
      String config = "{\"cniVersion\":\"1.0.0\",\"name\":\"bench\",\"type\":\"bridge\","
          + "\"ipam\":{\"type\":\"weft-ipam\",\"agent\":\"127.0.0.1:" + http + "\"}}";
      for (int i = 0; i < 20; i++) {
        add(config, "warm" + i, false);
        add(config, "warmcds" + i, true);
      }
      System.out.printf("load average before: %s%n", BenchFiles.loadAverage());
      long[] withArchive = new long[calls];
      long[] without = new long[calls];
      long[] jvmOnly = new long[calls];
      for (int i = 0; i < calls; i++) {
        withArchive[i] = add(config, "cds" + i, true);
        without[i] = add(config, "plain" + i, false);
        jvmOnly[i] = javaVersion();
      }
      System.out.printf("load average after: %s%n", BenchFiles.loadAverage());
      report("ADD with the CDS archive   ", withArchive);
      report("ADD without the CDS archive", without);
      report("floor: java -version       ", jvmOnly);
    } finally {
      agent.destroy();
      agent.waitFor(30, TimeUnit.SECONDS);
      new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
    }
  }

  /** One ADD; its wall time in microseconds. Fails unless it printed a result. */
  private static long add(String config, String container, boolean archive)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(PLUGIN.toString());
    Map<String, String> env = builder.environment();
    env.put("CNI_COMMAND", "ADD");
    env.put("CNI_CONTAINERID", container);
    env.put("CNI_IFNAME", "eth0");
    env.put("CNI_NETNS", "/run/netns/bench");
    env.put("CNI_PATH", PLUGIN.getParent().toString());
    if (!archive) {
      env.put("WEFT_IPAM_CDS", "/nonexistent");
    }
    long start = System.nanoTime();
    Process p = builder.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(config.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    long micros = (System.nanoTime() - start) / 1000;
    if (p.exitValue() != 0 || !out.contains("\"ips\"")) {
      throw new IllegalStateException("ADD failed: " + out);
    }
    return micros;
  }

  /** The floor: a JVM with the launcher's flags that starts and exits (microseconds). */
  private static long javaVersion() throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p = new ProcessBuilder("java", "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xss512k", "-Xmx64m", "-version")
        .redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor();
    return (System.nanoTime() - start) / 1000;
  }

  private static void report(String what, long[] micros) {
    long[] sorted = micros.clone();
    Arrays.sort(sorted);
    System.out.printf("%s: n=%d p50=%.0f ms p90=%.0f ms p99=%.0f ms max=%.0f ms%n", what,
        sorted.length, at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99),
        sorted[sorted.length - 1] / 1000.0);
  }

  private static double at(long[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1000.0;
  }

  private static void awaitRing(int http) throws InterruptedException {
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + http + "/ring")
            .toURL().openConnection();
        c.setReadTimeout(30_000);
        if (c.getResponseCode() == 200) {
          return;
        }
      } catch (IOException e) {
        errors.add(e.toString());
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("the agent never got a ring: " + errors);
  }
}
