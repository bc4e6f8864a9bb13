package io.weft.bench;

import io.vertx.core.json.JsonObject;
import io.weft.testing.FreePorts;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Load on a real agent (the built {@code target/weft.jar}, one peer, loopback): {@code wrk}
 * sending POST /ip/{id} + DELETE /ip/{id} pairs over 32 connections, then allocations through
 * the TCP bridge with requests in flight on several connections. The same wrk load then runs
 * against a second agent whose data directory is on tmpfs ({@code /dev/shm}, where an fsync
 * costs nothing: weft's own work without the disk's commit latency), and against
 * {@link NoopHttpServer}, a Vert.x server that does no work, started in its own JVM: the
 * ceiling on this machine in the same run, so that the ratio holds on a shared machine. Each run
 * also gives its CPU per request, of the server's process and of the whole machine (wrk and the
 * kernel's work included): on two cores shared with wrk, the CPU per request is what bounds the
 * requests per second. Run:
 * {@code mvn -q -Pbench package exec:exec -DskipTests -Dbench.main=io.weft.bench.LoadBench
 * -Djmh.args="30"} (seconds per run; wrk must be installed: apt-get install wrk).
 */
public final class LoadBench {
  /** The kernel's clock tick, the unit of /proc/stat (USER_HZ: 100 on Linux). */
  private static final double TICKS_PER_SECOND = 100;

  private LoadBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    Path dir = Files.createTempDirectory("weft-load");
    int http = FreePorts.next();
    int bridge = FreePorts.next();
    Process agent = launch(dir.resolve("d"), http, bridge, dir.resolve("agent.log"));
    Process ceiling = null;
    Process unsynced = null;
    Path shm = Path.of("/dev/shm");
    Path memoryDir = Files.isWritable(shm) ? Files.createTempDirectory(shm, "weft-load") : null;
    try {
      awaitConsensus(http);
      System.out.println("agent log: " + dir.resolve("agent.log") + "; load average "
          + BenchFiles.loadAverage());
      // The JIT needs tens of seconds of this load before the figures settle.
      wrk(http, 30, "warm-up", agent);
      double[] before = commitMetrics(http);
      WrkRun weft = wrk(http, seconds, "measured", agent);
      double[] after = commitMetrics(http);
      double commits = after[0] - before[0];
      System.out.printf("store during the measured run: %.0f commits/s, %.1f changes per commit,"
          + " %.2f ms per commit (the writer busy %.0f%% of the time)%n", commits / seconds,
          (after[2] - before[2]) / commits, (after[1] - before[1]) * 1000 / commits,
          (after[1] - before[1]) * 100 / seconds);
      bridge(bridge, 10, 8, 64, "warm-up");
      bridge(bridge, seconds, 8, 64, "measured");
      agent.destroy();
      agent.waitFor();
      // The same agent with its data directory in memory (tmpfs), where an fsync returns at
      // once: what weft's own work allows, apart from the disk's commit latency.
      WrkRun inMemory = null;
      if (memoryDir != null) {
        int memoryHttp = FreePorts.next();
        unsynced = launch(memoryDir.resolve("d"), memoryHttp, FreePorts.next(),
            dir.resolve("agent-tmpfs.log"));
        awaitConsensus(memoryHttp);
        wrk(memoryHttp, 30, "warm-up, data directory on tmpfs", unsynced);
        inMemory = wrk(memoryHttp, seconds, "measured, data directory on tmpfs (no fsync cost)",
            unsynced);
        unsynced.destroy();
        unsynced.waitFor();
      }
      // The ceiling: the same load on a server that does no work, in the same run.
      int noop = FreePorts.next();
      ceiling = new ProcessBuilder("java", "-cp", "target/test-classes" + java.io.File.pathSeparator
          + "target/weft.jar", NoopHttpServer.class.getName(), Integer.toString(noop))
          .redirectErrorStream(true).redirectOutput(dir.resolve("noop.log").toFile()).start();
      awaitListening(noop);
      wrk(noop, Math.min(30, seconds), "ceiling warm-up", ceiling);
      WrkRun top = wrk(noop, seconds, "ceiling (no-op Vert.x server)", ceiling);
      ceiling.destroy();
      ceiling.waitFor();
      System.out.printf("weft: %.0f pairs/s, p99 %.2f ms; ceiling %.0f requests/s, p99 %.2f ms;"
          + " weft at %.0f%% of the ceiling; load average %s%n", weft.requests() / 2,
          weft.p99(), top.requests(), top.p99(), weft.requests() * 100 / top.requests(),
          BenchFiles.loadAverage());
      if (inMemory != null) {
        System.out.printf("weft with its data directory on tmpfs: %.0f pairs/s, p99 %.2f ms, at"
            + " %.0f%% of the ceiling%n", inMemory.requests() / 2,
            inMemory.p99(), inMemory.requests() * 100 / top.requests());
      }
      System.out.println("CPU per request (the server's process; the whole machine's, wrk and"
          + " the kernel included; the machine's idle share):");
      System.out.println(weft.cpu("weft"));
      if (inMemory != null) {
        System.out.println(inMemory.cpu("weft, tmpfs"));
      }
      System.out.println(top.cpu("no-op"));
      // On two busy cores the requests per second are the CPU per request's inverse: at the
      // same idle share, 60% of the ceiling needs the machine's CPU per request within this.
      System.out.printf("60%% of the ceiling at the no-op's idle share: at most %.1f us of the"
          + " machine's CPU per request%n", top.machineMicros() / 0.6);
    } finally {
      for (Process p : new Process[] {ceiling, unsynced, agent}) {
        if (p != null) {
          p.destroy();
          p.waitFor();
        }
      }
      if (memoryDir != null) {
        try (var files = Files.walk(memoryDir)) {
          files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
      }
    }
  }

  /** One agent of its own cluster, from the built jar, on loopback. */
  private static Process launch(Path data, int http, int bridge, Path log) throws IOException {
    return new ProcessBuilder("java", "-jar", "target/weft.jar", "launch",
        // A /8: the bridge rows only allocate, about a million addresses in 40 s.
        "--init-peer-count", "1", "--ipalloc-range", "10.0.0.0/8",
        "--data-dir", data.toString(),
        "--http-addr", "127.0.0.1:" + http, "--bridge-addr", "127.0.0.1:" + bridge,
        "--cluster-addr", "127.0.0.1:" + FreePorts.next(), "--bus-port",
        Integer.toString(FreePorts.next()),
        "--docker-host", "none", "--cluster-name", "load-" + ProcessHandle.current().pid() + "-"
        + http)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * The store's group-commit meters so far: commits, seconds spent committing, changes
   * committed (summed over their tags).
   */
  private static double[] commitMetrics(int port) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    double[] m = new double[3];
    for (String line : r.body().split("\n")) {
      String name = line.split("[{ ]")[0];
      int at = switch (name) {
        case "weft_store_commit_latency_seconds_count" -> 0;
        case "weft_store_commit_latency_seconds_sum" -> 1;
        case "weft_store_commit_batch_size_sum" -> 2;
        default -> -1;
      };
      if (at >= 0) {
        m[at] += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return m;
  }

  private static void awaitListening(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException starting) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("the no-op server did not listen within 30 s");
  }

  /**
   * One wrk run: requests/s, p99 (ms), the CPU per request of the server's process and of the
   * whole machine (µs), and the share of the machine's CPU left idle (%).
   */
  private record WrkRun(double requests, double p99, double serverMicros, double machineMicros,
      double idle) {
    String cpu(String what) {
      return String.format("  %-12s %6.0f requests/s: server %5.1f us, machine %5.1f us,"
          + " %2.0f%% idle", what, requests, serverMicros, machineMicros, idle);
    }
  }

  /** {@code wrk}'s pairs against {@code port} for {@code seconds}, {@code server} serving them. */
  private static WrkRun wrk(int port, int seconds, String label, Process server)
      throws Exception {
    Path script = Path.of("src/bench/resources/pairs.lua").toAbsolutePath();
    Duration serverBefore = cpuTime(server);
    MachineTicks machineBefore = MachineTicks.now();
    Process wrk = new ProcessBuilder("wrk", "-t32", "-c32", "-d" + seconds + "s", "--latency",
        "-s", script.toString(), "http://127.0.0.1:" + port).redirectErrorStream(true).start();
    String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    wrk.waitFor();
    MachineTicks machine = MachineTicks.now().minus(machineBefore);
    Duration serverAfter = cpuTime(server);
    double serverMicros = serverBefore == null || serverAfter == null ? Double.NaN
        : serverAfter.minus(serverBefore).toNanos() / 1e3;
    double requests = 0;
    double p99 = Double.NaN;
    double sent = Double.NaN;
    for (String line : out.split("\n")) {
      if (line.trim().matches("\\d+ requests in .*")) {
        sent = Double.parseDouble(line.trim().split(" ")[0]);
      } else if (line.startsWith("Requests/sec:")) {
        requests = Double.parseDouble(line.substring("Requests/sec:".length()).trim());
      } else if (line.trim().startsWith("99%")) {
        p99 = millis(line.trim().substring(3).trim());
      }
    }
    System.out.printf("HTTP %s (%d s, 32 connections): %.0f allocate+free pairs/s%n%s%n",
        label, seconds, requests / 2, out);
    double busyMicros = machine.busy() * 1e6 / TICKS_PER_SECOND;
    double idle = machine.idle() * 100.0 / (machine.busy() + machine.idle());
    return new WrkRun(requests, p99, serverMicros / sent, busyMicros / sent, idle);
  }

  /** The CPU time of {@code process} so far; null where the system does not tell. */
  private static Duration cpuTime(Process process) {
    return process.info().totalCpuDuration().orElse(null);
  }

  /** The machine's busy and idle (with iowait) clock ticks, all CPUs. */
  private record MachineTicks(long busy, long idle) {
    /** The ticks so far, from {@code /proc/stat}. */
    static MachineTicks now() throws IOException {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      long idle = 0;
      // user nice system idle iowait irq softirq; not steal (another guest's time on this host)
      for (int i = 1; i < f.length && i <= 7; i++) {
        long ticks = Long.parseLong(f[i]);
        if (i == 4 || i == 5) {
          idle += ticks;
        } else {
          busy += ticks;
        }
      }
      return new MachineTicks(busy, idle);
    }

    MachineTicks minus(MachineTicks earlier) {
      return new MachineTicks(busy - earlier.busy, idle - earlier.idle);
    }
  }

  /** wrk's latency ("812.00us", "7.61ms", "1.02s") in milliseconds. */
  private static double millis(String text) {
    if (text.endsWith("us")) {
      return Double.parseDouble(text.substring(0, text.length() - 2)) / 1000;
    } else if (text.endsWith("ms")) {
      return Double.parseDouble(text.substring(0, text.length() - 2));
    }
    return Double.parseDouble(text.substring(0, text.length() - 1)) * 1000;
  }

  /** {@code connections} sockets, each keeping {@code window} allocate requests in flight. */
  private static void bridge(int port, int seconds, int connections, int window, String label)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    List<long[]> latencies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long[] counts = new long[connections];
    for (int c = 0; c < connections; c++) {
      int conn = c;
      long[] mine = new long[4_000_000];
      latencies.add(mine);
      Thread t = new Thread(() -> {
        try (Socket s = new Socket("127.0.0.1", port)) {
          s.setTcpNoDelay(true);
          OutputStream out = s.getOutputStream();
          DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
              s.getInputStream()));
          long[] sentAt = new long[window];
          long n = 0;
          long answered = 0;
          for (int i = 0; i < window; i++) {
            sentAt[i] = System.nanoTime();
            send(out, label + conn + "-" + n, i);
            n++;
          }
          while (!stop.get()) {
            byte[] frame = new byte[in.readInt()];
            in.readFully(frame);
            JsonObject reply = new JsonObject(new String(frame, StandardCharsets.UTF_8));
            if (!"message".equals(reply.getString("type"))) {
              throw new IllegalStateException("failed: " + reply);
            }
            int slot = Integer.parseInt(reply.getString("address"));
            if (answered < mine.length) {
              mine[(int) answered] = System.nanoTime() - sentAt[slot];
            }
            answered++;
            sentAt[slot] = System.nanoTime();
            send(out, label + conn + "-" + n++, slot);
          }
          counts[conn] = answered;
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      threads.add(t);
    }
    long start = System.nanoTime();
    threads.forEach(Thread::start);
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    for (Thread t : threads) {
      t.join(10_000);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long total = Arrays.stream(counts).sum();
    long[] all = new long[(int) Math.min(total, Integer.MAX_VALUE - 8)];
    int k = 0;
    for (int c = 0; c < connections; c++) {
      long n = Math.min(counts[c], latencies.get(c).length);
      for (int i = 0; i < n && k < all.length; i++) {
        all[k++] = latencies.get(c)[i];
      }
    }
    Arrays.sort(all, 0, k);
    System.out.printf("bridge %s (%d s, %d connections x %d in flight): %.0f allocations/s,"
        + " p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", label, seconds, connections, window,
        total / elapsed, all[k / 2] / 1e6, all[(int) (k * 0.99)] / 1e6, all[k - 1] / 1e6);
  }

  private static void send(OutputStream out, String id, int slot) throws IOException {
    byte[] data = new JsonObject().put("type", "send").put("address", "weft.ipam")
        .put("replyAddress", Integer.toString(slot))
        .put("body", new JsonObject().put("op", "allocate").put("id", id)).encode()
        .getBytes(StandardCharsets.UTF_8);
    out.write(ByteBuffer.allocate(4 + data.length).putInt(data.length).put(data).array());
    out.flush();
  }

  private static void awaitConsensus(int port) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/ip/warm")).POST(
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException starting) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the agent did not allocate within 60 s");
  }
}
