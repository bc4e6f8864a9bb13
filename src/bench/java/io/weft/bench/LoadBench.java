package io.weft.bench;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
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
 * the TCP bridge with requests in flight on several connections. Run:
 * {@code mvn -q -Pbench package exec:exec -DskipTests -Dbench.main=io.weft.bench.LoadBench
 * -Djmh.args="30"} (seconds per run; wrk must be installed: apt-get install wrk).
 */
public final class LoadBench {
  private LoadBench() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    Path dir = Files.createTempDirectory("weft-load");
    int http = freePort();
    int bridge = freePort();
    Process agent = new ProcessBuilder("java", "-jar", "target/weft.jar", "launch",
        "--init-peer-count", "1", "--data-dir", dir.resolve("d").toString(),
        "--http-addr", "127.0.0.1:" + http, "--bridge-addr", "127.0.0.1:" + bridge,
        "--cluster-addr", "127.0.0.1:" + freePort(), "--bus-port", Integer.toString(freePort()),
        "--docker-host", "none", "--cluster-name", "load-" + ProcessHandle.current().pid())
        .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
    try {
      awaitConsensus(http);
      System.out.println("agent log: " + dir.resolve("agent.log"));
      // The JIT needs tens of seconds of this load before the figures settle.
      wrk(http, 30, "warm-up");
      wrk(http, seconds, "measured");
      bridge(bridge, 10, 8, 64, "warm-up");
      bridge(bridge, seconds, 8, 64, "measured");
    } finally {
      agent.destroy();
      agent.waitFor();
    }
  }

  private static void wrk(int port, int seconds, String label) throws Exception {
    Path script = Path.of("src/bench/resources/pairs.lua").toAbsolutePath();
    Process wrk = new ProcessBuilder("wrk", "-t32", "-c32", "-d" + seconds + "s", "--latency",
        "-s", script.toString(), "http://127.0.0.1:" + port).redirectErrorStream(true).start();
    String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    wrk.waitFor();
    double requests = 0;
    for (String line : out.split("\n")) {
      if (line.startsWith("Requests/sec:")) {
        requests = Double.parseDouble(line.substring("Requests/sec:".length()).trim());
      }
    }
    System.out.printf("HTTP %s (%d s, 32 connections): %.0f allocate+free pairs/s%n%s%n",
        label, seconds, requests / 2, out);
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

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
