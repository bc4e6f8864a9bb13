package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several agents as separate processes on loopback find each other. */
class ClusterFormationIT {

  static Set<String> peerNames(AgentProcess agent) {
    Set<String> names = new HashSet<>();
    JsonArray peers = agent.status().getJsonArray("peers");
    for (int i = 0; i < peers.size(); i++) {
      names.add(peers.getJsonObject(i).getString("name"));
    }
    return names;
  }

  @Test
  void threeAgentsLaunchedTogetherAllListTheThreePeers(@TempDir Path dir) throws Exception {
    List<AgentProcess> agents = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        agents.add(new AgentProcess(dir.resolve("peer" + i)));
      }
      long launched = System.nanoTime();
      for (AgentProcess agent : agents) {
        List<String> args = new ArrayList<>(List.of("--nickname", agent.dataDir.getFileName()
            .toString()));
        agents.stream().filter(other -> other != agent)
            .forEach(other -> args.add(other.clusterAddr()));
        agent.start(args.toArray(String[]::new));
      }
      for (AgentProcess agent : agents) {
        agent.awaitLive(Duration.ofSeconds(60));
      }
      AgentProcess.await(Duration.ofSeconds(30),
          () -> agents.stream().allMatch(a -> peerNames(a).size() == 3), "3 peers visible");
      System.out.printf("3 launches -> 3 peers visible everywhere: %d ms%n",
          (System.nanoTime() - launched) / 1_000_000);
      Set<String> names = peerNames(agents.get(0));
      // Electors learn of each other through gossip, which repairs a lost first message
      // within the 5 s anti-entropy period.
      AgentProcess.await(Duration.ofSeconds(15), () -> agents.stream()
          .allMatch(a -> a.status().getInteger("knownElectors") == 3), "3 electors known");
      for (AgentProcess agent : agents) {
        assertThat(peerNames(agent)).isEqualTo(names);
        JsonObject status = agent.status();
        assertThat(status.getInteger("quorum")).isEqualTo(2);
        assertThat(agent.log()).contains("joined cluster");
      }
      AgentProcess leaving = agents.get(2);
      String leaver = leaving.status().getString("name");
      assertThat(leaving.terminate(Duration.ofSeconds(20))).isZero();
      // Status keeps every peer it has heard of, so the leaver stays listed, as unreachable.
      AgentProcess.await(Duration.ofSeconds(30), () -> agents.get(0).reachable() == 2,
          "the leaver unreachable in status");
      assertThat(peerNames(agents.get(0))).contains(leaver);
      assertThat(agents.get(0).log()).contains("member left");
    } finally {
      for (AgentProcess agent : agents) {
        agent.close();
      }
    }
  }

  @Test
  void aSecondAgentWithTheSamePeerNameRefusesToJoin(@TempDir Path dir) throws Exception {
    String name = "7a:00:00:00:00:01";
    try (AgentProcess original = new AgentProcess(dir.resolve("original"));
        AgentProcess clone = new AgentProcess(dir.resolve("clone"))) {
      original.start("--name", name).awaitLive(Duration.ofSeconds(60));
      clone.start("--name", name, original.clusterAddr());
      assertThat(clone.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(clone.log()).contains("peer name " + name + " is already used by the agent at"
          + " 127.0.0.1:" + original.busPort);
      assertThat(original.isAlive()).isTrue();
      assertThat(original.status().getString("name")).isEqualTo(name);
    }
  }

  @Test
  void agentsLaunchedForTwoAndForThreePeersBothWarn(@TempDir Path dir) throws Exception {
    try (AgentProcess two = new AgentProcess(dir.resolve("two"));
        AgentProcess three = new AgentProcess(dir.resolve("three"))) {
      two.start("--init-peer-count", "2", three.clusterAddr());
      three.start("--init-peer-count", "3", two.clusterAddr());
      two.awaitLive(Duration.ofSeconds(60));
      three.awaitLive(Duration.ofSeconds(60));
      // Both counts give quorum 2, so only the counts tell the disagreement; gossip carries them
      // within the 5 s anti-entropy period.
      AgentProcess.await(Duration.ofSeconds(30), () -> two.status().getJsonArray("warnings")
          .encode().contains("uses quorum 2 of 3 peers, this peer quorum 2 of 2 peers"),
          "the count-2 agent warns in its status");
      AgentProcess.await(Duration.ofSeconds(30), () -> three.status().getJsonArray("warnings")
          .encode().contains("uses quorum 2 of 2 peers, this peer quorum 2 of 3 peers"),
          "the count-3 agent warns in its status");
      for (AgentProcess agent : List.of(two, three)) {
        assertThat(agent.log()).contains("WARN").contains("relaunch every peer with the same"
            + " --init-peer-count or PEER list");
      }
    }
  }
}
