package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent whose cluster layer gets stuck (Vert.x's cluster manager busy with one membership
 * change for good, as after some Hazelcast merges) notices, leaves the cluster and joins it
 * again, serving from its own ranges meanwhile; its peer sees it leave and come back, and both
 * allocate distinct addresses afterwards. The stuck lock is made by the test hook
 * {@code -Dweft.test.hook=stuck-cluster}.
 */
class StuckClusterIT {
  private static final String STUCK = "the cluster layer is stuck";

  @Test
  void aStuckClusterLayerIsLeftAndJoinedAgainWithoutARestart(@TempDir Path dir)
      throws Exception {
    AgentProcess a = new AgentProcess(dir.resolve("a")).jvm("-Dweft.test.hook=stuck-cluster");
    AgentProcess b = new AgentProcess(dir.resolve("b"));
    try {
      AgentProcess.startAll(List.of(a, b));
      String beforeA = allocate(a, "before-a");
      String beforeB = allocate(b, "before-b");
      assertThat(beforeA).isNotEqualTo(beforeB);
      long pid = a.pid();

      // The hook holds the lock 10 s after the join; the watch gives it 60 s.
      AgentProcess.await(Duration.ofSeconds(240), () -> a.log().contains(STUCK),
          "the stuck cluster layer to be noticed");
      assertThat(a.log()).contains("cluster manager has been busy");
      // Meanwhile and after, the agent serves from its own ranges: same process, same answers.
      assertThat(a.pid()).isEqualTo(pid);
      assertThat(allocate(a, "before-a")).isEqualTo(beforeA);

      // B may hear of A's old member leaving after A has joined again (A can be back in under a
      // second, and B then never saw A unreachable): the line is waited for, not read at once.
      String aName = a.status().getString("name");
      AgentProcess.await(Duration.ofSeconds(180), () -> count(a.log(), "joined cluster") == 2
          && b.log().contains("member left: " + aName) && a.reachable() == 2
          && b.reachable() == 2, "both peers reachable after the new join, B having seen A leave");
      assertThat(count(a.log(), STUCK)).isEqualTo(1);
      String afterA = allocate(a, "after-a");
      String afterB = allocate(b, "after-b");
      assertThat(List.of(beforeA, beforeB, afterA)).doesNotContain(afterB);
      assertThat(List.of(beforeA, beforeB)).doesNotContain(afterA);
      assertThat(allocate(b, "before-b")).isEqualTo(beforeB);
    } finally {
      a.close();
      b.close();
      // Kept for a failure's diagnosis: the temporary directory goes with the test.
      Path kept = Path.of("target", "stuck-cluster");
      java.nio.file.Files.createDirectories(kept);
      java.nio.file.Files.writeString(kept.resolve("a.log"), a.log());
      java.nio.file.Files.writeString(kept.resolve("b.log"), b.log());
    }
  }

  private static String allocate(AgentProcess agent, String id) {
    var response = agent.send("POST", "/ip/" + id);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private static int count(String text, String what) {
    return TlsClusterIT.count(text, what);
  }
}
