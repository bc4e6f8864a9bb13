package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several agents from the built jar agree once, then allocate unique addresses. */
class DistributedAllocationIT {
  static final Duration START = Duration.ofSeconds(60);
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;
  final List<AgentProcess> agents = new ArrayList<>();

  @AfterEach
  void stopAll() throws InterruptedException {
    for (AgentProcess a : agents) {
      a.close();
    }
  }

  AgentProcess agent(String name) throws Exception {
    AgentProcess a = new AgentProcess(dir.resolve(name));
    agents.add(a);
    return a;
  }

  /** Starts {@code n} agents that name each other as PEERs, plus {@code extra} flags. */
  List<AgentProcess> cluster(int n, String... extra) throws Exception {
    List<AgentProcess> started = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      started.add(agent("peer" + i));
    }
    AgentProcess.startAll(started, extra);
    return started;
  }

  static String allocate(AgentProcess a, String path) {
    HttpResponse<String> r = a.send("POST", path);
    assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(200);
    return r.body().strip();
  }

  static CompletableFuture<HttpResponse<String>> allocateLater(AgentProcess a, String id) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + a.httpAddr() + "/ip/" + id))
        .POST(HttpRequest.BodyPublishers.noBody()).build();
    return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  static String consensus(AgentProcess a) {
    return a.status().getString("consensus");
  }

  @Test
  void threePeersAgreeOnceSplitTheRangeAndHandOutDistinctAddresses() throws Exception {
    long launched = System.nanoTime();
    List<AgentProcess> peers = cluster(3);
    long formed = System.nanoTime();
    for (AgentProcess a : peers) {
      assertThat(consensus(a)).isEqualTo("deferred");
    }
    // The ring is split among the electors the proposer has heard of (as in the original).
    AgentProcess.await(Duration.ofSeconds(15), () -> peers.stream()
        .allMatch(a -> a.status().getInteger("knownElectors") == 3), "3 electors known");
    String first = allocate(peers.get(0), "/ip/first");
    long answered = System.nanoTime();
    System.out.printf("3 launches -> first allocation: %d ms; cluster formed -> first allocation:"
        + " %d ms%n", (answered - launched) / 1_000_000, (answered - formed) / 1_000_000);
    assertThat(first).matches("10\\.(3[2-9]|4[0-7])\\.\\d+\\.\\d+/12");
    AgentProcess.await(Duration.ofSeconds(20),
        () -> peers.stream().allMatch(a -> consensus(a).equals("achieved")), "achieved on all");
    List<Long> shares = new ArrayList<>();
    for (String line : peers.get(0).get("/status/ipam").body().strip().split("\n")) {
      shares.add(Long.parseLong(line.trim().split("\\s+")[1]));
    }
    assertThat(shares).containsExactlyInAnyOrder(524288L, 262144L, 262144L);

    Set<String> addresses = new HashSet<>();
    addresses.add(first);
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      calls.add(allocateLater(peers.get(i % 3), "c" + i));
    }
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      HttpResponse<String> r = call.get(60, TimeUnit.SECONDS);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      addresses.add(r.body().strip());
    }
    assertThat(addresses).hasSize(301);
    assertThat(peers.get(1).get("/ip/c1").body().strip()).isIn(addresses);
    Cli.Result lookup = Cli.run("lookup", "c2", "--http-addr", peers.get(2).httpAddr());
    assertThat(lookup.code()).isZero();
    assertThat(lookup.out().strip()).isIn(addresses);
  }

  @Test
  void anAllocationWaitsForQuorumAndCompletesWhenThePeersArrive() throws Exception {
    AgentProcess a = agent("a");
    AgentProcess b = agent("b");
    AgentProcess c = agent("c");
    a.start("--init-peer-count", "3").awaitLive(START);
    CompletableFuture<HttpResponse<String>> waiting = allocateLater(a, "early");
    AgentProcess.await(Duration.ofSeconds(10), () -> consensus(a).equals("waiting"), "waiting");
    Thread.sleep(1000);
    assertThat(waiting).isNotDone();
    JsonObject status = a.status();
    assertThat(status.getInteger("quorum")).isEqualTo(2);
    assertThat(status.getInteger("knownElectors")).isEqualTo(1);
    assertThat(status.getInteger("pendingAllocations")).isEqualTo(1);
    b.start("--init-peer-count", "3", a.clusterAddr());
    c.start("--init-peer-count", "3", a.clusterAddr(), b.clusterAddr());
    HttpResponse<String> done = waiting.get(60, TimeUnit.SECONDS);
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).startsWith("10.");
  }

  @Test
  void anObserverWaitsUntilTwoElectorsCanAgree() throws Exception {
    AgentProcess elector1 = agent("e1");
    AgentProcess observer = agent("obs");
    AgentProcess elector2 = agent("e2");
    elector1.start("--init-peer-count", "2").awaitLive(START);
    observer.start("--observer", elector1.clusterAddr()).awaitLive(START);
    AgentProcess.await(Duration.ofSeconds(30), () -> observer.reachable() == 2, "observer joined");
    // An observer that asks for nothing starts nothing, even after its periodic gossip (5 s).
    Thread.sleep(7000);
    assertThat(consensus(elector1)).as("deferred until a request").isEqualTo("deferred");
    CompletableFuture<HttpResponse<String>> waiting = allocateLater(observer, "o1");
    Thread.sleep(4000);
    assertThat(waiting.isDone()).as(() -> "answered early: " + waiting.handle((r, e) ->
        r != null ? r.statusCode() + " " + r.body() : e.toString()).join()).isFalse();
    assertThat(observer.status().getBoolean("observer")).isTrue();
    elector2.start("--init-peer-count", "2", elector1.clusterAddr());
    HttpResponse<String> done = waiting.get(60, TimeUnit.SECONDS);
    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    JsonObject status = observer.status();
    assertThat(status.getString("consensus")).isEqualTo("achieved");
    assertThat(status.getString("name")).isNotIn(seeds(elector1));
  }

  static List<String> seeds(AgentProcess a) {
    JsonObject ring = new JsonObject(a.get("/ring").body());
    return ring.getJsonObject("ring").getJsonArray("seeds").getList();
  }

  @Test
  void consenseBlocksUntilThePeerHasJoined() throws Exception {
    AgentProcess a = agent("a");
    AgentProcess b = agent("b");
    b.start(a.clusterAddr()).awaitLive(START);
    Process consense = new ProcessBuilder("java", "-jar", AgentProcess.jar().toString(),
        "consense", "--http-addr", b.httpAddr()).redirectErrorStream(true).start();
    assertThat(consense.waitFor(4, TimeUnit.SECONDS)).isFalse();
    a.start(b.clusterAddr()).awaitLive(START);
    assertThat(consense.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(consense.exitValue()).isZero();
    assertThat(new String(consense.getInputStream().readAllBytes())).contains("consensus achieved");
    assertThat(consensus(b)).isEqualTo("achieved");
  }

  @Test
  void aPeerWithAnotherRangeIsRefusedAndTheOthersCarryOn() throws Exception {
    List<AgentProcess> peers = cluster(2, "--ipalloc-range", "10.2.0.0/16");
    assertThat(allocate(peers.get(0), "/ip/x1")).startsWith("10.2.");
    AgentProcess odd = agent("odd");
    odd.start(peers.get(0).clusterAddr()).awaitLive(START);
    AgentProcess.await(Duration.ofSeconds(30), () -> odd.status().getJsonArray("errors")
        .stream().anyMatch(e -> e.toString().startsWith("Incompatible IP allocation ranges")),
        "the odd peer refuses the ring");
    assertThat(odd.status().getJsonArray("errors").getString(0))
        .contains("received: 10.2.0.0/16, ours: 10.32.0.0/12");
    // One error for the one reason, naming the peers refused for it.
    AgentProcess.await(Duration.ofSeconds(30), () -> odd.status().getJsonArray("errors")
        .getString(0).contains(peers.get(1).status().getString("name")), "both peers named");
    assertThat(odd.status().getJsonArray("errors")).hasSize(1);
    assertThat(odd.status().getJsonArray("errors").getString(0))
        .contains(peers.get(0).status().getString("name"));
    assertThat(allocate(peers.get(1), "/ip/x2")).startsWith("10.2.");
    assertThat(consensus(odd)).isNotEqualTo("achieved");
  }

  @Test
  void aPeerOutOfSpaceBorrowsWithinASecond() throws Exception {
    List<AgentProcess> peers = cluster(3, "--ipalloc-range", "10.9.0.0/26");
    allocate(peers.get(0), "/ip/seed");
    AgentProcess.await(Duration.ofSeconds(20),
        () -> peers.stream().allMatch(a -> consensus(a).equals("achieved")), "achieved on all");
    // One of the /28 owners allocates past its 16 addresses.
    AgentProcess small = peers.stream().filter(a -> a.status().getJsonArray("peers")
        .getJsonObject(0).getLong("owned") == 16).findFirst().orElseThrow();
    long slowestMs = 0;
    List<Double> latencies = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      long t = System.nanoTime();
      assertThat(allocate(small, "/ip/b" + i)).startsWith("10.9.0.");
      latencies.add((System.nanoTime() - t) / 1e6);
      slowestMs = Math.max(slowestMs, (System.nanoTime() - t) / 1_000_000);
    }
    // Past its own 14 host addresses every allocation may wait for a donation round trip.
    List<Double> borrowed = new ArrayList<>(latencies.subList(14, latencies.size()));
    borrowed.sort(null);
    System.out.printf("borrowing: allocations past the peer's own space, ms: %s (p50 %.1f ms,"
        + " max %.1f ms)%n", borrowed, borrowed.get(borrowed.size() / 2),
        borrowed.get(borrowed.size() - 1));
    assertThat(slowestMs).isLessThan(1000);
    assertThat(small.status().getJsonArray("peers").getJsonObject(0).getLong("owned"))
        .isGreaterThan(16);
  }

  @Test
  void rmpeerTakesOverTheRangesOfAKilledPeerAndRefusesLiveOnes() throws Exception {
    List<AgentProcess> peers = cluster(3);
    for (AgentProcess a : peers) {
      allocate(a, "/ip/keep-" + a.dataDir.getFileName());
    }
    AgentProcess victim = peers.get(2);
    String victimName = victim.status().getString("name");
    long victimOwned = victim.status().getJsonArray("peers").getJsonObject(0).getLong("owned");
    victim.kill();
    AgentProcess survivor = peers.get(0);
    AgentProcess.await(Duration.ofSeconds(30), () -> survivor.reachable() == 2, "victim gone");
    assertThat(survivor.get("/status/ipam").body()).contains(victimName).contains("unreachable!");

    String live = peers.get(1).status().getString("name");
    Cli.Result refused = Cli.run("rmpeer", live, "--http-addr", survivor.httpAddr());
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("is reachable right now");

    Cli.Result taken = Cli.run("rmpeer", victimName, "--http-addr", survivor.httpAddr());
    assertThat(taken.code()).as(taken.err()).isZero();
    assertThat(taken.out().strip()).isEqualTo(victimOwned + " IPs taken over from " + victimName
        + "(peer2)");
    assertThat(survivor.get("/status/ipam").body()).doesNotContain(victimName);
    // /status still lists the removed peer, marked so.
    assertThat(survivor.status().getJsonArray("peers").stream().map(p -> (JsonObject) p)
        .filter(p -> victimName.equals(p.getString("name"))))
        .singleElement().satisfies(p -> assertThat(p.getBoolean("removed")).isTrue());
    AgentProcess other = peers.get(1);
    AgentProcess.await(Duration.ofSeconds(20),
        () -> !other.get("/status/ipam").body().contains(victimName), "the ring reached peer1");
    for (int i = 0; i < 5; i++) {
      assertThat(allocate(other, "/ip/after" + i)).startsWith("10.");
    }
  }
}
