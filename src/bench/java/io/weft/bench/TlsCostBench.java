package io.weft.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.testing.FreePorts;
import io.weft.tls.CertificateAuthority;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What mutual TLS costs peer traffic: two real agents (the built jar, loopback), with and without
 * TLS; the time from both agents live until A lists B as a peer (joining), from then to the
 * first allocation answered (consensus), and the allocations on B in a /28 of A's range (a
 * donation round trip each). Run:
 * {@code mvn -q -Pbench package exec:exec -DskipTests -Dbench.main=io.weft.bench.TlsCostBench
 * -Djmh.args="3"} (rounds per mode).
 */
public final class TlsCostBench {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private TlsCostBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    for (int r = 0; r < rounds; r++) {
      for (boolean tls : new boolean[] {false, true}) {
        run(tls);
      }
    }
  }

  private static void run(boolean tls) throws Exception {
    Path dir = Files.createTempDirectory("weft-tls-bench");
    if (tls) {
      CertificateAuthority.createCa(dir, Instant.now());
      CertificateAuthority.createHost(dir, "a", List.of(), dir, Instant.now());
      CertificateAuthority.createHost(dir, "b", List.of(), dir, Instant.now());
    }
    int[] http = {FreePorts.next(), FreePorts.next()};
    int[] cluster = {FreePorts.next(), FreePorts.next()};
    List<Process> agents = new ArrayList<>();
    String name = "tlsbench-" + System.nanoTime();
    try {
      for (int i = 0; i < 2; i++) {
        String host = i == 0 ? "a" : "b";
        List<String> cmd = new ArrayList<>(List.of("java", "-jar", "target/weft.jar", "launch",
            "--data-dir", dir.resolve("d" + host).toString(), "--http-addr", "127.0.0.1:" + http[i],
            "--bridge-addr", "none", "--cluster-addr", "127.0.0.1:" + cluster[i],
            "--bus-port", Integer.toString(FreePorts.next()), "--docker-host", "none",
            "--cluster-name", name, "127.0.0.1:" + cluster[1 - i]));
        if (tls) {
          cmd.addAll(List.of("--tls-cert", dir.resolve(host + ".pem").toString(), "--tls-key",
              dir.resolve(host + "-key.pem").toString(), "--tls-ca",
              dir.resolve(CertificateAuthority.CA_CERT).toString()));
        }
        agents.add(new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(dir.resolve(host + ".log").toFile()).start());
      }
      for (int p : http) {
        while (get(p, "/status") == null) {
          Thread.sleep(50);
        }
      }
      // Joining: from both agents answering HTTP until A lists B as a peer, which needs B's
      // answer to A's greeting over the event bus (so the bus connections, and with TLS their
      // handshakes, are made by then).
      long joining = System.nanoTime();
      while (new JsonObject(get(http[0], "/status")).getJsonArray("peers").size() < 2) {
        Thread.sleep(20);
      }
      double joinMs = (System.nanoTime() - joining) / 1e6;
      long t0 = System.nanoTime();
      post(http[0], "/ip/first");
      double consensusMs = (System.nanoTime() - t0) / 1e6;
      JsonObject ring = new JsonObject(get(http[0], "/ring")).getJsonObject("ring");
      String nameA = new JsonObject(get(http[0], "/status")).getString("name");
      JsonArray entries = ring.getJsonArray("entries");
      long start = 0;
      for (int i = 0; i < entries.size(); i++) {
        if (entries.getJsonArray(i).getString(1).equals(nameA)) {
          start = entries.getJsonArray(i).getLong(0);
          break;
        }
      }
      List<Double> donations = new ArrayList<>();
      for (int k = 1; k <= 10; k++) {
        long base = start + k * 40000L / 16 * 16;
        long t = System.nanoTime();
        post(http[1], "/ip/d" + k + "/" + ip(base) + "/28");
        donations.add((System.nanoTime() - t) / 1e6);
      }
      Collections.sort(donations);
      System.out.printf("%-5s joined %.0f ms, consensus %.0f ms; donation round trip median %.1f ms,"
          + " max %.1f ms%n", tls ? "tls" : "plain", joinMs, consensusMs, donations.get(donations.size() / 2),
          donations.get(donations.size() - 1));
    } finally {
      for (Process p : agents) {
        p.destroy();
        p.waitFor();
      }
    }
  }

  private static String ip(long v) {
    return (v >> 24 & 255) + "." + (v >> 16 & 255) + "." + (v >> 8 & 255) + "." + (v & 255);
  }

  private static String get(int port, String path) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + path)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (Exception e) {
      return null;
    }
  }

  private static void post(int port, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + path))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("POST " + path + " answered " + r.statusCode() + ": "
          + r.body());
    }
  }

}
