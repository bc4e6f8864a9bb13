package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One agent from the built jar, driven over HTTP and with the CLI. */
class SingleAgentIT {
  static final Duration START = Duration.ofSeconds(60);

  @Test
  void servesStatusHealthMetricsAndTheHttpContract(@TempDir Path dir) throws Exception {
    try (AgentProcess agent = new AgentProcess(dir.resolve("a"))) {
      long launched = System.nanoTime();
      agent.start("--nickname", "alpha").awaitLive(START);
      System.out.printf("launch -> /health/live: %d ms%n", (System.nanoTime() - launched) / 1_000_000);

      JsonObject status = agent.status();
      assertThat(status.getString("name")).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
      assertThat(status.getString("nickname")).isEqualTo("alpha");
      assertThat(status.getString("consensus")).isEqualTo("deferred");
      assertThat(status.getInteger("quorum")).isEqualTo(1);
      assertThat(status.getBoolean("observer")).isFalse();
      assertThat(status.getString("range")).isEqualTo("10.32.0.0/12");
      assertThat(status.getString("defaultSubnet")).isEqualTo("10.32.0.0/12");
      assertThat(status.getString("docker")).isEqualTo("disabled");
      assertThat(status.getJsonArray("errors")).isEmpty();
      for (String key : new String[] {"knownElectors", "activeAddresses", "pendingAllocations",
          "pendingClaims"}) {
        assertThat(status.containsKey(key)).as(key).isTrue();
      }
      JsonObject self = status.getJsonArray("peers").getJsonObject(0);
      assertThat(self.getString("name")).isEqualTo(status.getString("name"));
      assertThat(self.getBoolean("reachable")).isTrue();

      assertThat(agent.get("/health/live").body()).contains("\"UP\"");
      // SQLite's native library is loaded from the data directory, not unpacked into /tmp.
      assertThat(Files.readAllLines(Path.of("/proc/" + agent.pid() + "/maps")).stream()
          .filter(line -> line.contains("sqlitejdbc")).map(line -> line.replaceAll(".* ", ""))
          .distinct()).singleElement().asString()
          .startsWith(agent.dataDir.resolve("native").toString() + "/libsqlitejdbc-");
      // Live comes first: the agent serves while Hazelcast joins, and is ready once it has.
      AgentProcess.await(Duration.ofSeconds(120), () -> agent.get("/health/ready").statusCode()
          == 200, "ready once the cluster has joined");
      var ready = agent.get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(ready.body()).getJsonArray("checks").stream()
          .map(c -> ((JsonObject) c).getString("id"))).containsExactlyInAnyOrder("cluster",
              "store", "ipam");
      String metrics = agent.get("/metrics").body();
      assertThat(metrics).contains("jvm_memory_used_bytes").contains("vertx_http_server")
          .doesNotContain("vertx_eventbus");
      assertThat(agent.get("/no/such/path").statusCode()).isEqualTo(404);
      assertThat(agent.send("PUT", "/status").statusCode()).isEqualTo(405);
      assertThat(agent.get("/ipinfo/defaultsubnet").body().strip()).isEqualTo("10.32.0.0/12");
      var allocate = agent.send("POST", "/ip/c1");
      assertThat(allocate.statusCode()).isEqualTo(200);
      assertThat(allocate.body().strip()).isEqualTo("10.32.0.1/12");
      assertThat(agent.status().getString("consensus")).isEqualTo("achieved");
      // IPAM gauges refresh every tick (1 s).
      AgentProcess.await(Duration.ofSeconds(10), () -> agent.get("/metrics").body()
          .contains("weft_addresses_in_use 1.0"), "the allocation in /metrics");
      String ipam = agent.get("/metrics").body();
      assertThat(ipam).contains("weft_universe_size 1048576.0")
          .contains("weft_addresses_owned 1048576.0").contains("weft_consensus_state 2.0")
          .contains("weft_allocation_latency_seconds_bucket")
          .contains("weft_store_commit_latency_seconds_count").contains("weft_pending_allocations 0.0");

      Cli.Result human = Cli.run("status", "--http-addr", agent.httpAddr());
      assertThat(human.code()).isZero();
      assertThat(human.out()).contains("Consensus: achieved").contains("alpha");
      Cli.Result json = Cli.run("status", "--json", "--http-addr", agent.httpAddr());
      assertThat(new JsonObject(json.out()).getString("name")).isEqualTo(status.getString("name"));
      Cli.Result again = Cli.run("allocate", "c1", "--http-addr", agent.httpAddr());
      assertThat(again.code()).isZero();
      assertThat(again.out().strip()).isEqualTo("10.32.0.1/12");
    }
  }

  @Test
  void sigtermLeavesCleanlyWithExitZeroAndThePeerNameSurvives(@TempDir Path dir)
      throws Exception {
    String name;
    try (AgentProcess agent = new AgentProcess(dir.resolve("a"))) {
      agent.start().awaitLive(START);
      name = agent.status().getString("name");
      long sent = System.nanoTime();
      assertThat(agent.terminate(Duration.ofSeconds(20))).isZero();
      long tookMs = (System.nanoTime() - sent) / 1_000_000;
      System.out.printf("SIGTERM -> exit 0: %d ms%n", tookMs);
      assertThat(tookMs).isLessThan(10_000);
      assertThat(agent.log()).contains("shutting down").contains("stopped");
    }
    try (AgentProcess again = new AgentProcess(dir.resolve("a"))) {
      again.start().awaitLive(START);
      assertThat(again.status().getString("name")).isEqualTo(name);
    }
  }

  @Test
  void aSecondAgentOnALockedDataDirectoryExitsWithAClearError(@TempDir Path dir)
      throws Exception {
    try (AgentProcess first = new AgentProcess(dir.resolve("shared"));
        AgentProcess second = new AgentProcess(dir.resolve("shared"))) {
      first.start().awaitLive(START);
      second.start();
      assertThat(second.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
      assertThat(second.log()).contains("is in use by another weft agent")
          .contains(dir.resolve("shared").toString()).contains("--data-dir");
      assertThat(first.get("/health/live").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anHttpAddressInUseExitsWithAClearError(@TempDir Path dir) throws Exception {
    try (AgentProcess agent = new AgentProcess(dir.resolve("a"));
        java.net.ServerSocket taken = new java.net.ServerSocket()) {
      taken.bind(new java.net.InetSocketAddress("127.0.0.1", agent.httpPort));
      agent.start();
      assertThat(agent.awaitExit(Duration.ofSeconds(30))).isEqualTo(1);
      assertThat(agent.log()).contains("weft cannot start: cannot listen")
          .contains("--http-addr " + agent.httpAddr()).contains("give this agent other addresses");
    }
  }
}
