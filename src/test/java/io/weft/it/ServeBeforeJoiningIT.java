package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A host reboots while its peers are down: the restarted agent answers allocations from the
 * ranges it owns before its cluster layer has joined, and joins once the peers are back.
 */
class ServeBeforeJoiningIT {
  static final Duration START = Duration.ofSeconds(60);

  /**
   * The two other peers are frozen (SIGSTOP), not ended: their ports still accept connections
   * but nothing answers, so Hazelcast's join cannot finish while they are stopped, however fast
   * or slow this machine is. The allocation therefore provably comes before the join.
   */
  @Test
  void aPeerRestartedAloneAllocatesFromItsOwnRangesBeforeTheClusterForms(@TempDir Path dir)
      throws Exception {
    List<AgentProcess> agents = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      agents.add(new AgentProcess(dir.resolve("p" + i)));
    }
    AgentProcess restarted = null;
    try {
      AgentProcess.startAll(agents);
      Set<String> before = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r = agents.get(i).send("POST", "/ip/before" + i);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        before.add(r.body().strip());
      }
      AgentProcess first = agents.get(0);
      String name = first.status().getString("name");
      first.kill();
      agents.get(1).signal("STOP");
      agents.get(2).signal("STOP");
      List<String> peers = List.of(agents.get(1).clusterAddr(), agents.get(2).clusterAddr());

      restarted = first.sameDataDir().start(peers.toArray(String[]::new)).awaitLive(START);
      HttpResponse<String> alone = restarted.send("POST", "/ip/alone");
      JsonObject status = restarted.status();

      assertThat(alone.statusCode()).as(alone.body()).isEqualTo(200);
      assertThat(status.getString("cluster")).as("answered before joining").isEqualTo("joining");
      assertThat(restarted.reachable()).as("no peer reachable, itself only").isEqualTo(1);
      String address = alone.body().strip();
      assertThat(owner(restarted, address)).as("%s is from its own ranges", address)
          .isEqualTo(name);
      assertThat(before).doesNotContain(address);
      assertThat(restarted.get("/ip/before0").body().strip()).isIn(before);

      agents.get(1).signal("CONT");
      agents.get(2).signal("CONT");
      AgentProcess back = restarted;
      List<AgentProcess> all = List.of(back, agents.get(1), agents.get(2));
      AgentProcess.await(Duration.ofSeconds(90), () -> all.stream()
          .allMatch(a -> a.reachable() == 3), "the cluster formed again");
      assertThat(back.status().getString("cluster")).isEqualTo("joined");
      Set<String> after = new HashSet<>(before);
      after.add(address);
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r = all.get(i).send("POST", "/ip/after" + i);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(after.add(r.body().strip())).as("%s answered twice", r.body()).isTrue();
      }
    } finally {
      for (AgentProcess a : agents) {
        if (a.isAlive()) {
          a.signal("CONT");
        }
        a.close();
      }
      if (restarted != null) {
        restarted.close();
      }
    }
  }

  /** The peer whose ring range holds {@code address}, from the agent's {@code /status/ring}. */
  private static String owner(AgentProcess agent, String address) {
    long ip = ip(address.substring(0, address.indexOf('/')));
    JsonArray ranges = new JsonObject(agent.get("/status/ring").body()).getJsonArray("ranges");
    for (int i = 0; i < ranges.size(); i++) {
      JsonObject r = ranges.getJsonObject(i);
      if (ip(r.getString("first")) <= ip && ip <= ip(r.getString("last"))) {
        return r.getString("owner");
      }
    }
    throw new AssertionError(address + " is in no range of " + ranges);
  }

  private static long ip(String dotted) {
    long value = 0;
    for (String part : dotted.split("\\.")) {
      value = value * 256 + Integer.parseInt(part);
    }
    return value;
  }
}
