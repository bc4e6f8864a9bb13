package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.net.Ip;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weave Net's own clients against weft: every HTTP call of Weave's {@code api} package, parsed as
 * Weave parses it ({@link WeaveClient}), and the call sequence of Weave's Docker IPAM driver.
 */
class WeaveClientIT {
  private static final Duration START = Duration.ofSeconds(60);

  @Test
  void everyCallOfWeavesApiPackageParses(@TempDir Path dir) throws Exception {
    try (AgentProcess a = new AgentProcess(dir.resolve("a"));
        AgentProcess b = new AgentProcess(dir.resolve("b"))) {
      AgentProcess.startAll(List.of(a, b));
      WeaveClient weave = new WeaveClient(a.httpAddr());

      assertThat(weave.defaultSubnet()).isEqualTo("10.32.0.0/12");
      String first = weave.allocateIp("c1", false);
      assertThat(first).endsWith("/12");
      assertThat(weave.allocateIp("c1", false)).as("idempotent").isEqualTo(first);
      assertThat(weave.lookupIp("c1")).isEqualTo(first);
      // Weave's idempotence: c1's address lies inside its /24 too, so it is c1's answer there.
      long host = Ip.parse(first.substring(0, first.indexOf('/')));
      String its24 = Ip.format(host & ~0xFFL) + "/24";
      assertThat(weave.allocateIpInSubnet("c1", its24, false))
          .isEqualTo(Ip.format(host) + "/24");

      String inSubnet = weave.allocateIpInSubnet("c2", "10.32.1.0/24", false);
      assertThat(inSubnet).startsWith("10.32.1.").endsWith("/24");
      assertThat(weave.httpVerb("GET", "/ip/c2/10.32.1.0/24", null)).isEqualTo(inSubnet);

      // Two addresses of one ident are separated by a single space, nothing after the last; as
      // in Weave, GET /ip/{id} lists those inside the default subnet, whatever their prefix.
      String second = weave.allocateIpInSubnet("c1", "10.32.1.0/24", false);
      assertThat(weave.httpVerb("GET", "/ip/c1", null)).isEqualTo(first + " " + second);
      weave.claimIp("c3", "10.32.1.200/24", false);
      weave.claimIp("c3", "10.32.1.201/24", true);
      weave.claimIp("c3", "10.32.1.255/16", false);
      assertThat(weave.httpVerb("GET", "/ip/c3/10.32.1.0/24", null))
          .as("a subnet's hosts only: not its broadcast address, held in a larger subnet")
          .isEqualTo("10.32.1.200/24 10.32.1.201/24");
      assertThat(weave.httpVerb("GET", "/ip/c3/10.32.0.0/16", null))
          .isEqualTo("10.32.1.200/24 10.32.1.201/24 10.32.1.255/16");
      assertThat(second).startsWith("10.32.1.");

      weave.releaseIpsFor("c1");
      assertThatThrownBy(() -> weave.lookupIp("c1")).as("nothing left: an empty body")
          .isInstanceOf(WeaveClient.WeaveError.class);
      assertThat(a.get("/ip/c1").body()).isEmpty();

      String bName = b.status().getString("name");
      // The address after b's first is b's and free: b gives out the lowest of its own space.
      String onB = new WeaveClient(b.httpAddr()).allocateIp("bx", false);
      String ofB = Ip.format(Ip.parse(onB.substring(0, onB.indexOf('/'))) + 1) + "/12";
      b.kill();
      AgentProcess.await(Duration.ofSeconds(60), () -> a.reachable() == 1, "b unreachable");
      assertThat(weave.httpVerb("PUT", "/ip/u1/" + ofB, Map.of("noErrorOnUnknown", "true")))
          .as("Weave answers at once while the owner is away, and goes on asking").isEmpty();
      String taken = weave.rmPeer(bName);
      // Weave's own line, newline included; weft adds the nickname after the name.
      assertThat(taken).matches("[0-9]+ IPs taken over from " + bName + "\\(b\\)\n");
    }
  }

  @Test
  void checkAliveAndNoErrorOnUnknownAreReadFromAFormBody(@TempDir Path dir) throws Exception {
    Engine engine = Engine.fromEnvironment();
    assumeTrue(engine != null, "needs a container engine (WEFT_TEST_DOCKER_HOST)");
    try (AgentProcess a = new AgentProcess(dir.resolve("a"))) {
      a.start("--docker-host", engine.uri).awaitLive(START);
      AgentProcess.await(START, () -> "connected".equals(a.status().getString("docker")),
          "the container engine connected");
      String id = engine.create("sleep 60");
      try {
        WeaveClient weave = new WeaveClient(a.httpAddr());
        assertThatThrownBy(() -> weave.allocateIp(id, true))
            .as("created, not running: check-alive in the form body cancels")
            .hasMessageStartingWith("503");
        assertThatThrownBy(() -> weave.claimIp(id, "10.32.3.3/12", true))
            .hasMessageStartingWith("503");
        assertThat(a.get("/ip/" + id).body()).isEmpty();
        engine.start(id);
        AgentProcess.await(START, () -> engine.running(id), "container running");
        assertThat(weave.allocateIp(id, true)).endsWith("/12");
        weave.claimIp(id, "10.32.3.3/12", true);
        assertThat(weave.httpVerb("PUT", "/ip/x/10.32.3.4/12",
            Map.of("noErrorOnUnknown", "true"))).isEmpty();
      } finally {
        engine.remove(id);
      }
    }
  }

  /**
   * The form body's noErrorOnUnknown is read: alone with a quorum of 2 there is no ring, so only
   * a claim carrying the flag is answered; the same claim without it waits until its timeout.
   */
  @Test
  void noErrorOnUnknownInAFormBodyAnswersAClaimBeforeAnyRing(@TempDir Path dir)
      throws Exception {
    try (AgentProcess a = new AgentProcess(dir.resolve("a"))) {
      a.start("--ipalloc-init", "consensus=2").awaitLive(START);
      WeaveClient weave = new WeaveClient(a.httpAddr());
      assertThat(weave.httpVerb("PUT", "/ip/x/10.32.3.4/12",
          Map.of("noErrorOnUnknown", "true"))).isEmpty();
      assertThatThrownBy(() -> weave.httpVerb("PUT", "/ip/y/10.32.3.5/12?timeout=1",
          Map.of())).as("without the flag: waits for a ring").hasMessageStartingWith("503");
    }
  }

  /**
   * Weave's Docker IPAM driver: RequestPool asks for the default subnet, RequestAddress allocates
   * anonymously in the pool or claims the given address anonymously, ReleaseAddress deletes the
   * bare address as an ident.
   */
  @Test
  void weavesDockerDriverSequence(@TempDir Path dir) throws Exception {
    try (AgentProcess a = new AgentProcess(dir.resolve("a"))) {
      a.start().awaitLive(START);
      WeaveClient weave = new WeaveClient(a.httpAddr());
      String pool = weave.defaultSubnet();
      assertThat(pool).isEqualTo("10.32.0.0/12");

      String anonymous = weave.allocateIpInSubnet(WeaveClient.NO_CONTAINER_ID, "10.32.4.0/24",
          false);
      String bare = anonymous.substring(0, anonymous.indexOf('/'));
      assertThat(bare).startsWith("10.32.4.");
      weave.claimIp(WeaveClient.NO_CONTAINER_ID, "10.32.4.77/12", false);
      weave.claimIp(WeaveClient.NO_CONTAINER_ID, "10.32.4.77/12", false);

      JsonArray owned = new JsonObject(a.get("/ip").body()).getJsonArray("owned");
      assertThat(owned.stream().map(o -> ((JsonObject) o).getString("containerid")))
          .as("anonymous allocations are filed under the bare address")
          .contains(bare, "10.32.4.77");

      weave.releaseIpsFor(bare);
      weave.releaseIpsFor("10.32.4.77");
      assertThat(new JsonObject(a.get("/ip").body()).getJsonArray("owned")).isEmpty();
      assertThat(weave.allocateIpInSubnet(WeaveClient.NO_CONTAINER_ID, "10.32.4.0/24", false))
          .as("freed, so handed out again").isEqualTo(anonymous);
    }
  }
}
