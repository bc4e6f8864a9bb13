package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Addresses come back when containers go away, against both real container engines that
 * {@code .ci/run} starts: Podman's Docker API (which publishes {@code remove} from a polled events
 * file) and the Docker Engine (which publishes {@code destroy} at once). Each engine's tests are
 * skipped without it, unless CI says it started it. Without any engine only the tests that need
 * none run.
 */
class ContainerWatchIT {
  static final Duration START = Duration.ofSeconds(60);
  private Engine engine;
  private final List<String> containers = new ArrayList<>();

  @AfterEach
  void removeContainers() {
    for (String id : containers) {
      try {
        engine.remove(id);
      } catch (AssertionError | RuntimeException gone) {
        // removed by the test itself, or its engine is gone with it
      }
    }
  }

  /** The engine of this kind for this test; skips the test when CI started none. */
  private Engine use(Engine.Kind kind) {
    engine = Engine.fromEnvironment(kind);
    assumeTrue(engine != null, "no " + kind + " engine (source " + kind.script + ")");
    return engine;
  }

  private String create(String script) {
    String id = engine.create(script);
    containers.add(id);
    return id;
  }

  private AgentProcess watching(Path dir, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("--docker-host", engine.uri));
    args.addAll(List.of(extra));
    AgentProcess agent = new AgentProcess(dir).start(args.toArray(String[]::new)).awaitLive(START);
    AgentProcess.await(Duration.ofSeconds(20), () -> "connected".equals(agent.status()
        .getString("docker")), "docker connected in /status");
    return agent;
  }

  private static String allocate(AgentProcess agent, String path) {
    HttpResponse<String> r = agent.send("POST", path);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body().strip();
  }

  private static String lookup(AgentProcess agent, String id) {
    return agent.get("/ip/" + id).body().strip();
  }

  @ParameterizedTest
  @EnumSource(Engine.Kind.class)
  void aRemovedContainerGivesItsAddressBackAtOnce(Engine.Kind kind, @TempDir Path dir)
      throws Exception {
    use(kind);
    try (AgentProcess agent = watching(dir.resolve("a"))) {
      String id = create("exit 3");
      String address = allocate(agent, "/ip/" + id);
      engine.start(id);
      assertThat(engine.await(id)).isEqualTo(3);
      Thread.sleep(300);
      assertThat(lookup(agent, id)).as("a dead container keeps its address for the grace")
          .isEqualTo(address);

      Map<String, Long> arrivals = new ConcurrentHashMap<>();
      try (AutoCloseable events = engine.follow(arrivals)) {
        Thread.sleep(200);
        long before = System.nanoTime();
        engine.remove(id);
        while (!lookup(agent, id).isEmpty()) {
          assertThat(System.nanoTime() - before).as("freed within 10 s")
              .isLessThan(10_000_000_000L);
          Thread.sleep(1);
        }
        long freed = System.nanoTime();
        Long event = arrivals.get(kind.removeAction + " " + id);
        String metrics = agent.get("/metrics").body();
        System.out.printf(kind + ": remove -> address free: %.1f ms after the remove call began; the"
            + " engine delivered its event to another reader after %s ms; weft, from reading"
            + " the event to the free committed: %s%n", (freed - before) / 1e6,
            event == null ? "?" : String.format("%.1f", (event - before) / 1e6),
            metrics.lines().filter(l -> l.startsWith("weft_container_event_latency_seconds_max")
                || l.startsWith("weft_container_event_latency_seconds_sum")
                || l.startsWith("weft_container_event_latency_seconds_count")).toList());
      }
      assertThat(agent.log()).doesNotContain("ERROR");
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.Kind.class)
  void aContainerThatRestartsWithinTheGraceKeepsItsAddress(Engine.Kind kind, @TempDir Path dir)
      throws Exception {
    use(kind);
    try (AgentProcess agent = watching(dir.resolve("a"), "--container-grace", "3")) {
      // Exits at once the first time, runs until killed the second.
      String restarts = create("if [ -f /tmp/ran ]; then sleep 60; else touch /tmp/ran;"
          + " exit 1; fi");
      String stays = create("exit 0");
      String kept = allocate(agent, "/ip/" + restarts);
      String lost = allocate(agent, "/ip/" + stays);
      engine.start(restarts);
      engine.start(stays);
      engine.await(restarts);
      engine.await(stays);
      engine.start(restarts);
      assertThat(engine.running(restarts)).isTrue();

      AgentProcess.await(Duration.ofSeconds(15), () -> lookup(agent, stays).isEmpty(),
          "the address of the container that stayed dead freed after the grace");
      Thread.sleep(1500);
      assertThat(lookup(agent, restarts)).isEqualTo(kept);
      assertThat(lost).isNotEqualTo(kept);
      engine.kill(restarts);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.Kind.class)
  void anAgentStartedAfterContainersWereRemovedPrunesThem(Engine.Kind kind, @TempDir Path dir)
      throws Exception {
    use(kind);
    AgentProcess agent = watching(dir.resolve("a"));
    String gone = create("exit 0");
    String stays = create("exit 0");
    String goneAddress = allocate(agent, "/ip/" + gone);
    String staysShort = stays.substring(0, 12);
    String staysAddress = allocate(agent, "/ip/" + staysShort);
    String exposed = allocate(agent, "/ip/weave:expose");
    agent.kill();

    engine.remove(gone);
    try (AgentProcess again = agent.sameDataDir()) {
      again.start("--docker-host", engine.uri).awaitLive(START);
      AgentProcess.await(Duration.ofSeconds(20), () -> lookup(again, gone).isEmpty(),
          "the removed container's address pruned");
      assertThat(lookup(again, staysShort)).as("allocated under the short ID").isEqualTo(
          staysAddress);
      assertThat(lookup(again, "weave:expose")).as("never pruned").isEqualTo(exposed);
      assertThat(again.log()).contains("freed 1 address(es) of containers that no longer exist");
      assertThat(goneAddress).isNotIn(staysAddress, exposed);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.Kind.class)
  void checkAliveCancelsRequestsForContainersThatDoNotRun(Engine.Kind kind, @TempDir Path dir)
      throws Exception {
    use(kind);
    try (AgentProcess agent = watching(dir.resolve("a"))) {
      String created = create("sleep 60");
      HttpResponse<String> refused = agent.send("POST", "/ip/" + created + "?check-alive=true");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.body()).contains("is not running (check-alive)");
      assertThat(lookup(agent, created)).isEmpty();

      engine.start(created);
      assertThat(allocate(agent, "/ip/" + created + "?check-alive=true")).endsWith("/12");
      HttpResponse<String> claim = agent.send("PUT", "/ip/nosuchcontainer/10.32.9.9/12"
          + "?check-alive=true");
      assertThat(claim.statusCode()).isEqualTo(503);
      engine.kill(created);
    }
  }

  @ParameterizedTest
  @EnumSource(Engine.Kind.class)
  void anEngineThatRestartsIsFollowedAgain(Engine.Kind kind, @TempDir Path dir)
      throws Exception {
    // An engine of the test's own, so that stopping it disturbs no other test.
    try (OwnEngine own = OwnEngine.started(kind)) {
      assumeTrue(own != null, "no " + kind + " engine (source " + kind.script + ")");
      engine = own.engine;
      // Docker kills running containers when it stops: a long grace keeps their addresses
      // however slowly the restart goes.
      try (AgentProcess agent = watching(dir.resolve("a"), "--container-grace", "600")) {
        String stays = create("sleep 600");
        String goes = create("exit 0");
        engine.start(stays);
        String staysAddress = allocate(agent, "/ip/" + stays);
        String goesAddress = allocate(agent, "/ip/" + goes);

        own.stop();
        AgentProcess.await(Duration.ofSeconds(30), () -> "unavailable".equals(agent.status()
            .getString("docker")), "the engine's stop seen in /status");
        assertThat(lookup(agent, stays)).as("kept while the engine is away")
            .isEqualTo(staysAddress);
        own.start();
        AgentProcess.await(Duration.ofSeconds(60), () -> "connected".equals(agent.status()
            .getString("docker")), "connected again after the engine restarted");

        // Events are followed again: a removal now frees at once, not at the next reconnect.
        engine.remove(goes);
        AgentProcess.await(Duration.ofSeconds(15), () -> lookup(agent, goes).isEmpty(),
            "the address of a container removed after the restart freed");
        assertThat(lookup(agent, stays)).as("a container that outlived the restart keeps its"
            + " address").isEqualTo(staysAddress);
        assertThat(goesAddress).isNotEqualTo(staysAddress);
        engine.remove(stays);
        AgentProcess.await(Duration.ofSeconds(15), () -> lookup(agent, stays).isEmpty(),
            "the other freed when it is removed");
        assertThat(agent.log()).contains("unavailable", "watching containers at")
            .doesNotContain("ERROR");
      }
    }
  }

  @Test
  void withoutAnEngineTheAgentServesAndSaysWhy(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("no-such-docker.sock");
    try (AgentProcess agent = new AgentProcess(dir.resolve("a"))
        .start("--docker-host", "unix://" + missing).awaitLive(START)) {
      AgentProcess.await(Duration.ofSeconds(10), () -> agent.status().getJsonObject("dockerDetail")
          .getString("lastError") != null, "an error in status");
      JsonObject status = agent.status();
      assertThat(status.getString("docker")).isEqualTo("unavailable");
      assertThat(status.getJsonObject("dockerDetail").getString("host")).contains(missing
          .toString());
      assertThat(agent.send("POST", "/ip/c1").statusCode()).isEqualTo(200);
      Thread.sleep(2000); // several retries
      long lines = agent.log().lines().filter(l -> l.contains("unavailable")).count();
      assertThat(lines).as("one log line per state change, not one per retry").isEqualTo(1);
    }
    try (AgentProcess agent = new AgentProcess(dir.resolve("b")).start().awaitLive(START)) {
      assertThat(agent.status().getString("docker")).isEqualTo("disabled");
    }
  }
}
