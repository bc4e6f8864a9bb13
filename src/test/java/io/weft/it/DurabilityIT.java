package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing answered is ever lost: kill -9 at random moments, restarts, damaged files. */
class DurabilityIT {
  static final Duration START = Duration.ofSeconds(60);
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
      .build();

  /** Allocates distinct idents from 8 threads until stopped; returns ident -> answer. */
  static Map<String, String> hammer(AgentProcess agent, AtomicBoolean stop, String prefix,
      ExecutorService pool) {
    Map<String, String> answered = new ConcurrentHashMap<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      pool.submit(() -> {
        for (int i = 0; !stop.get(); i++) {
          String id = prefix + thread + "-" + i;
          try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://" + agent.httpAddr() + "/ip/" + id))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
              answered.put(id, r.body().strip());
            }
          } catch (Exception killed) {
            return;
          }
        }
      });
    }
    return answered;
  }

  @Test
  void everyAnsweredAllocationSurvivesKillMinusNine(@TempDir Path dir) throws Exception {
    Random random = new Random(1125);
    Map<String, String> all = new ConcurrentHashMap<>();
    Path data = dir.resolve("a");
    for (int round = 0; round < 3; round++) {
      try (AgentProcess agent = new AgentProcess(data)) {
        agent.start().awaitLive(START);
        for (Map.Entry<String, String> e : all.entrySet()) {
          assertThat(agent.get("/ip/" + e.getKey()).body().strip())
              .as("round %d: %s", round, e.getKey()).isEqualTo(e.getValue());
        }
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        Map<String, String> answered = hammer(agent, stop, "r" + round + "-", pool);
        Thread.sleep(500 + random.nextInt(2000));
        agent.kill();
        stop.set(true);
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.SECONDS);
        System.out.printf("kill -9 round %d: %d allocations answered before the kill%n", round,
            answered.size());
        assertThat(answered).isNotEmpty();
        all.putAll(answered);
      }
    }
    try (AgentProcess agent = new AgentProcess(data)) {
      agent.start().awaitLive(START);
      for (Map.Entry<String, String> e : all.entrySet()) {
        assertThat(agent.get("/ip/" + e.getKey()).body().strip()).isEqualTo(e.getValue());
      }
      String fresh = agent.send("POST", "/ip/after-the-crashes").body().strip();
      assertThat(all.values()).doesNotContain(fresh);
      JsonObject owned = new JsonObject(agent.get("/ip").body());
      List<String> addresses = new ArrayList<>();
      owned.getJsonArray("owned").forEach(o -> ((JsonObject) o).getJsonArray("addrs")
          .forEach(a -> addresses.add(a.toString())));
      assertThat(addresses).doesNotHaveDuplicates().containsAll(all.values());
      assertThat(agent.status().getString("persistence")).isEqualTo("sqlite");
    }
  }

  /**
   * A clean stop leaves a snapshot of the allocations that the next start reads instead of the
   * table; an allocation after that start makes its part of the snapshot stale, so a crash then
   * restarts with that allocation (read from the table, or from the part packed again).
   */
  @Test
  void aCleanStopsSnapshotIsReadAndAChangeAfterItSurvivesACrash(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("a");
    Map<String, String> answered = new java.util.LinkedHashMap<>();
    AgentProcess first = new AgentProcess(data);
    try (first) {
      first.start().awaitLive(START);
      for (int i = 0; i < 40; i++) {
        answered.put("s" + i, first.send("POST", "/ip/s" + i).body().strip());
      }
      assertThat(first.terminate(Duration.ofSeconds(20))).isZero();
      assertThat(first.log()).contains("snapshot of the allocations is up to date");
    }
    AgentProcess second = first.sameDataDir();
    try (second) {
      second.start().awaitLive(START);
      assertThat(second.log()).contains("read 40 allocation(s) from the snapshot");
      for (Map.Entry<String, String> e : answered.entrySet()) {
        assertThat(second.get("/ip/" + e.getKey()).body().strip()).isEqualTo(e.getValue());
      }
      answered.put("after", second.send("POST", "/ip/after").body().strip());
      second.kill();
    }
    AgentProcess third = second.sameDataDir();
    try (third) {
      third.start().awaitLive(START);
      for (Map.Entry<String, String> e : answered.entrySet()) {
        assertThat(third.get("/ip/" + e.getKey()).body().strip()).as(e.getKey())
            .isEqualTo(e.getValue());
      }
      assertThat(answered.values()).doesNotContain(
          third.send("POST", "/ip/fresh").body().strip());
    }
  }

  @Test
  void aWholeClusterKilledAndRestartedKeepsItsRingAndAllocations(@TempDir Path dir)
      throws Exception {
    final List<AgentProcess> agents = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      agents.add(new AgentProcess(dir.resolve("p" + i)));
    }
    Map<String, String> answered = new ConcurrentHashMap<>();
    try {
      AgentProcess.startAll(agents);
      for (int i = 0; i < 30; i++) {
        AgentProcess a = agents.get(i % 3);
        HttpResponse<String> r = a.send("POST", "/ip/k" + i);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        answered.put(i % 3 + ":k" + i, r.body().strip());
      }
      String ringBefore = agents.get(0).get("/ring").body();
      for (AgentProcess a : agents) {
        a.kill();
      }
      agents.replaceAll(AgentProcess::sameDataDir);
      AgentProcess.startAll(agents);
      for (AgentProcess a : agents) {
        assertThat(a.status().getString("consensus")).isEqualTo("achieved");
        assertThat(a.log()).doesNotContain("waiting");
      }
      for (Map.Entry<String, String> e : answered.entrySet()) {
        AgentProcess a = agents.get(Integer.parseInt(e.getKey().substring(0, 1)));
        assertThat(a.get("/ip/" + e.getKey().substring(2)).body().strip()).isEqualTo(e.getValue());
      }
      JsonObject seeds = new JsonObject(ringBefore).getJsonObject("ring");
      AgentProcess.await(Duration.ofSeconds(30), () -> agents.stream().allMatch(a ->
          new JsonObject(a.get("/ring").body()).getJsonObject("ring").getJsonArray("seeds")
              .equals(seeds.getJsonArray("seeds"))), "same seeds everywhere");
    } finally {
      for (AgentProcess a : agents) {
        a.close();
      }
    }
  }

  @Test
  void aRestartedPeerWithAnOlderRingCatchesUpAndKeepsItsAllocations(@TempDir Path dir)
      throws Exception {
    List<AgentProcess> agents = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      agents.add(new AgentProcess(dir.resolve("p" + i)));
    }
    try {
      AgentProcess.startAll(agents, "--ipalloc-range", "10.9.0.0/24");
      AgentProcess late = agents.get(2);
      String kept = late.send("POST", "/ip/kept").body().strip();
      late.kill();
      // While it is down the others borrow from each other: the ring moves on.
      for (int i = 0; i < 120; i++) {
        assertThat(agents.get(i % 2).send("POST", "/ip/busy" + i).statusCode()).isEqualTo(200);
      }
      AgentProcess back = late.sameDataDir();
      agents.set(2, back);
      back.start("--ipalloc-range", "10.9.0.0/24", agents.get(0).clusterAddr(),
          agents.get(1).clusterAddr()).awaitLive(START);
      AgentProcess.await(Duration.ofSeconds(30), () -> back.reachable() == 3,
          "back in the cluster");
      Thread.sleep(6000);
      assertThat(back.status().getJsonArray("errors")).isEmpty();
      assertThat(back.get("/ip/kept").body().strip()).isEqualTo(kept);
      assertThat(agents.get(0).status().getJsonArray("errors")).isEmpty();
    } finally {
      for (AgentProcess a : agents) {
        a.close();
      }
    }
  }

  @Test
  void aDamagedOrNewerStoreStopsTheAgentWithItsName(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("broken");
    Files.createDirectories(data);
    Path file = data.resolve("weft.db");
    Files.writeString(file, "garbage garbage garbage garbage garbage garbage garbage garbage!!");
    try (AgentProcess agent = new AgentProcess(data)) {
      agent.start();
      assertThat(agent.awaitExit(START)).isEqualTo(1);
      assertThat(agent.log()).contains(file.toString()).contains("not a readable weft store");
      assertThat(Files.readString(file)).startsWith("garbage");
    }
    Path newer = dir.resolve("newer");
    try (AgentProcess agent = new AgentProcess(newer)) {
      agent.start().awaitLive(START);
      assertThat(agent.terminate(Duration.ofSeconds(20))).isZero();
    }
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + newer.resolve("weft.db"))) {
      c.createStatement().execute("PRAGMA user_version=99");
    }
    try (AgentProcess agent = new AgentProcess(newer)) {
      agent.start();
      assertThat(agent.awaitExit(START)).isEqualTo(1);
      assertThat(agent.log()).contains("schema version 99").contains("newer than this weft");
    }
  }

  @Test
  void stateForAnotherRangeIsSetAsideNotDeletedAndThePeerNameIsKept(@TempDir Path dir)
      throws Exception {
    Path data = dir.resolve("a");
    String name;
    try (AgentProcess agent = new AgentProcess(data)) {
      agent.start().awaitLive(START);
      name = agent.status().getString("name");
      assertThat(agent.send("POST", "/ip/old").statusCode()).isEqualTo(200);
      assertThat(agent.terminate(Duration.ofSeconds(20))).isZero();
    }
    try (AgentProcess agent = new AgentProcess(data)) {
      agent.start("--ipalloc-range", "10.2.0.0/16").awaitLive(START);
      assertThat(agent.log()).contains("set the saved state aside")
          .contains("covers --ipalloc-range 10.32.0.0/12, not 10.2.0.0/16")
          .contains("under the same peer name " + name);
      // The log holds both runs: only the first created a name.
      assertThat(agent.log().split("created peer name", -1)).hasSize(2);
      assertThat(agent.status().getString("name")).isEqualTo(name);
      assertThat(agent.get("/ip/old").body().strip()).isEmpty();
      assertThat(agent.send("POST", "/ip/new").body()).startsWith("10.2.");
      try (Stream<Path> files = Files.list(data)) {
        assertThat(files.map(p -> p.getFileName().toString()))
            .anyMatch(n -> n.startsWith("weft.db.other-range."));
      }
      assertThat(agent.terminate(Duration.ofSeconds(20))).isZero();
    }
    // Another --name still wins over the stored one, and its state is set aside as before.
    try (AgentProcess agent = new AgentProcess(data)) {
      agent.start("--ipalloc-range", "10.2.0.0/16", "--name", "7a:00:00:00:00:02")
          .awaitLive(START);
      assertThat(agent.log()).contains("it belongs to peer " + name + ", not 7a:00:00:00:00:02");
      assertThat(agent.status().getString("name")).isEqualTo("7a:00:00:00:00:02");
      assertThat(agent.get("/ip/new").body().strip()).isEmpty();
    }
  }

  @Test
  void aResetPeerRelaunchedOverAnotherRangeJoinsAsANewPeer(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("a");
    String name;
    try (AgentProcess agent = new AgentProcess(data)) {
      agent.start().awaitLive(START);
      name = agent.status().getString("name");
      assertThat(agent.send("POST", "/ip/old").statusCode()).isEqualTo(200);
      assertThat(agent.send("DELETE", "/peer").statusCode()).isEqualTo(204);
      assertThat(agent.terminate(Duration.ofSeconds(20))).isZero();
    }
    try (AgentProcess agent = new AgentProcess(data)) {
      agent.start("--ipalloc-range", "10.2.0.0/16").awaitLive(START);
      assertThat(agent.log()).contains("covers --ipalloc-range 10.32.0.0/12, not 10.2.0.0/16")
          .doesNotContain("under the same peer name");
      // The log holds both runs: each created a name.
      assertThat(agent.log().split("created peer name", -1)).hasSize(3);
      assertThat(agent.status().getString("name")).isNotEqualTo(name);
      assertThat(agent.send("POST", "/ip/new").body()).startsWith("10.2.");
    }
  }
}
