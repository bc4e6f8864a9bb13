package io.weft.bench;

import io.weft.agent.ipam.StateCodec;
import io.weft.ipam.Allocator;
import io.weft.ipam.AllocatorConfig;
import io.weft.ipam.PersistedState;
import io.weft.net.Cidr;
import io.weft.ring.PeerName;
import io.weft.store.Store;
import io.weft.testing.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Restart time against the number of allocations held: a data directory with N allocations in
 * the peer's own /12 (made by a real agent that seeds its ring, then filled with rows), and
 * <ul>
 *   <li>the store load alone, in this JVM: {@code Store.open}, {@code StateCodec.load} and
 *       {@code Allocator.restore}, each timed (the first round includes class loading and JIT),
 *       from the table (no snapshot) and from the snapshot a clean stop saves;
 *   <li>launch → {@code /health/live} of the built jar on that directory, as a restart after a
 *       host reboot sees it: after a clean stop; after a crash that followed a few changes (20
 *       allocations and one free over HTTP, then SIGKILL: the snapshot's parts they fell in are
 *       stale); and with no snapshot at all (dropped first, as a crash leaves it before any
 *       clean stop or refresh); as plain {@code java -jar}, and through the launcher
 *       ({@code src/deb/bin/weft},
 *       its JVM options and the class-data-sharing archive {@code target/weft.jsa}) when the
 *       build made one.
 * </ul>
 * Run: {@code mvn -q -Pbench package exec:exec -DskipTests -Dbench.main=io.weft.bench.RestoreBench
 * -Djmh.args="0 100000 1000000"} (allocation counts; default those three).
 */
public final class RestoreBench {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Cidr UNIVERSE = Cidr.parse("10.32.0.0/12");
  private static final int ROUNDS = 3;
  /** Crashes after changes so far: each frees an allocation of its own. */
  private static int crashes;

  private RestoreBench() {}

  /** What the launch follows. */
  private enum Before {
    NO_SNAPSHOT("crash, no snapshot"),
    CLEAN_STOP("clean stop"),
    CRASH_AFTER_CHANGES("crash after changes");

    final String label;

    Before(String label) {
      this.label = label;
    }
  }

  public static void main(String[] args) throws Exception {
    List<Integer> counts = new ArrayList<>();
    for (String a : args) {
      counts.add(Integer.parseInt(a));
    }
    if (counts.isEmpty()) {
      counts = List.of(0, 100_000, 1_000_000);
    }
    System.out.printf("load average before: %s%n", BenchFiles.loadAverage());
    for (int n : counts) {
      Path dir = prepare(n);
      for (boolean snapshot : List.of(false, true)) {
        for (int r = 1; r <= ROUNDS; r++) {
          storeLoad(dir, n, r, snapshot);
        }
      }
      for (boolean archive : archiveModes()) {
        for (int r = 1; r <= ROUNDS; r++) {
          // In turn, so that all see the machine alike. Each launch's stop leaves what the next
          // one follows: a clean stop (a snapshot) after the first, a crash after changes after
          // the second.
          for (Before before : Before.values()) {
            launchToLive(dir, n, r, archive, before);
          }
        }
      }
      BenchFiles.deleteTree(dir); // 80 MB at a million allocations
    }
    System.out.printf("load average after: %s%n", BenchFiles.loadAverage());
  }

  private static List<Boolean> archiveModes() {
    return Files.exists(Path.of("target/weft.jsa")) ? List.of(false, true) : List.of(false);
  }

  /** A data directory whose peer owns the whole /12 and holds {@code n} allocations. */
  static Path prepare(int n) throws Exception {
    Path dir = Files.createTempDirectory("weft-restore-bench-" + n);
    int http = FreePorts.next();
    Process agent = launch(dir, http, false);
    try {
      awaitLive(http);
      send("POST", http, "/ip/seed"); // consensus alone: this peer owns the whole range
    } finally {
      agent.destroy();
      agent.waitFor();
    }
    long first = UNIVERSE.address() + 2; // .0 is the network address, .1 went to "seed"
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("weft.db"))) {
      db.setAutoCommit(false);
      try (PreparedStatement insert = db.prepareStatement(
          "INSERT INTO allocations (address, ident, prefix, container) VALUES (?, ?, 12, 1)")) {
        for (int i = 0; i < n; i++) {
          insert.setLong(1, first + i);
          insert.setString(2, String.format("%064x", i)); // a container ID's length
          insert.executeUpdate();
        }
      }
      dropSnapshot(db); // the rows changed behind the snapshot the agent's stop saved
      db.commit();
    }
    System.out.printf("prepared %,d allocations in %s (weft.db %,d bytes)%n", n, dir,
        Files.size(dir.resolve("weft.db")));
    return dir;
  }

  /** As a crash before any snapshot leaves it: the next start reads the table itself. */
  private static void dropSnapshot(Connection db) throws java.sql.SQLException {
    db.createStatement().execute("DELETE FROM snapshot");
  }

  private static void dropSnapshot(Path dir) throws java.sql.SQLException {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("weft.db"))) {
      dropSnapshot(db);
    }
  }

  private static void storeLoad(Path dir, int n, int round, boolean snapshot) throws Exception {
    String saved = "";
    if (snapshot) {
      try (Store store = Store.open(dir)) {
        long started = System.nanoTime();
        long packed = store.saveSnapshot(); // all of it after a table read, else nothing
        saved = String.format(" (packing its %,d stale rows took %.0f ms)", packed,
            ms(System.nanoTime() - started));
      }
    } else {
      dropSnapshot(dir);
    }
    long t0 = System.nanoTime();
    try (Store store = Store.open(dir)) {
      long t1 = System.nanoTime();
      PersistedState state = StateCodec.load(store, UNIVERSE);
      long t2 = System.nanoTime();
      AllocatorConfig config = AllocatorConfig.of(PeerName.parse(store.peerName().orElseThrow()),
          1, "bench", UNIVERSE, 1, false);
      Allocator allocator = Allocator.restore(config, new SplittableRandom(1), state);
      long t3 = System.nanoTime();
      if (allocator.persistedState().allocations().size() != n + 1) {
        throw new AssertionError("restored " + allocator.persistedState().allocations().size()
            + " allocations, expected " + (n + 1));
      }
      System.out.printf("store load  n=%,9d round %d from the %-8s: open %4.0f ms, rows %5.0f ms,"
          + " allocator %5.0f ms, total %5.0f ms%s%n", n, round, snapshot ? "snapshot" : "table",
          ms(t1 - t0), ms(t2 - t1), ms(t3 - t2), ms(t3 - t0), saved);
    }
  }

  private static void launchToLive(Path dir, int n, int round, boolean archive, Before before)
      throws Exception {
    if (before == Before.NO_SNAPSHOT) {
      dropSnapshot(dir);
    }
    int http = FreePorts.next();
    long t0 = System.nanoTime();
    Process agent = launch(dir, http, archive);
    boolean crash = false;
    try {
      awaitLive(http);
      long live = System.nanoTime() - t0;
      String lookup = send("GET", http, "/ip/" + String.format("%064x", Math.max(0, n - 1)));
      System.out.printf("launch→live n=%,9d round %d%s, after a %-19s: %5.0f ms (lookup of the"
          + " last: %s)%n", n, round, archive ? " via launcher" : "", before.label, ms(live),
          lookup);
      if (before == Before.CLEAN_STOP) {
        // Changes in two places, then a crash: what the next launch follows.
        crashes++;
        for (int i = 0; i < 20; i++) {
          send("POST", http, "/ip/churn-" + crashes + "-" + i);
        }
        if (n > 0) {
          send("DELETE", http, "/ip/" + String.format("%064x", n / 2 + crashes)); // 204
        }
        crash = true;
      }
    } finally {
      if (crash) {
        agent.destroyForcibly();
      } else {
        agent.destroy();
      }
      agent.waitFor();
    }
  }

  private static Process launch(Path dir, int http, boolean archive) throws Exception {
    // With the archive, through the launcher as the installed unit starts the agent (its JVM
    // options too); the absolute path, as the archive recorded it (made through the launcher by
    // the build).
    List<String> cmd = new ArrayList<>(archive ? List.of("sh", "src/deb/bin/weft")
        : List.of("java", "-jar", Path.of("target/weft.jar").toAbsolutePath().toString()));
    cmd.addAll(List.of("launch",
        "--data-dir", dir.toString(), "--http-addr", "127.0.0.1:" + http, "--bridge-addr", "none", "--cluster-addr",
        "127.0.0.1:" + FreePorts.next(), "--bus-port", Integer.toString(FreePorts.next()),
        "--docker-host", "none",
        "--docker-plugin", "none", "--cluster-name", "restore-bench-" + System.nanoTime()));
    ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("agent.log").toFile());
    builder.environment().put("WEFT_HOME", Path.of("target").toAbsolutePath().toString());
    return builder.start();
  }

  static void awaitLive(int http) throws InterruptedException {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + http + "/health/live"))
            .timeout(java.time.Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("the agent on port " + http + " did not get live in 120 s");
  }

  private static String send(String method, int http, String path) throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + http + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + path + " answered " + r.statusCode()
          + ": " + r.body());
    }
    return r.body().strip();
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }
}
