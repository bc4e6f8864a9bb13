package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stranger that reaches the cluster ports and knows the cluster name joins Hazelcast and forges
 * gossip: a donation of A's space to B that A never made, and a ring that tombstones A. With
 * mutual TLS none of it reaches any agent; without TLS the same attack changes a ring (which is
 * what makes this test able to fail).
 */
class RogueMemberIT {

  @Test
  void withTlsTheStrangerNeitherHearsNorChangesAnything(@TempDir Path dir) throws Exception {
    Path ca = TlsClusterIT.makeCa(dir, "ca", "a", "b", "c");
    Path other = TlsClusterIT.makeCa(dir, "other", "x");
    List<AgentProcess> agents = new ArrayList<>();
    for (String host : List.of("a", "b", "c")) {
      agents.add(new AgentProcess(dir.resolve(host)));
    }
    try {
      TlsClusterIT.startEach(agents, ca);
      Set<String> held = allocateOnEach(agents, "before");
      List<JsonArray> ringsBefore = converged(agents);
      attack(dir, agents, "no-cert");
      String heard = attack(dir, agents, "other-ca", other.resolve("x.pem").toString(),
          other.resolve("x-key.pem").toString(), other.resolve("weft-ca.pem").toString());
      assertThat(heard).contains("heard 0 gossip");
      assertThat(rings(agents)).isEqualTo(ringsBefore);
      held.addAll(allocateOnEach(agents, "after"));
      assertThat(held).hasSize(2 * 5 * agents.size());
      for (AgentProcess a : agents) {
        assertThat(count(a.log(), "peer traffic: a TLS handshake on the event bus failed"))
            .as(a.log()).isEqualTo(1);
        assertThat(a.log()).doesNotContain("NullPointerException");
      }
    } finally {
      for (AgentProcess a : agents) {
        a.close();
      }
    }
  }

  /**
   * Hazelcast listing is not trust: a stranger without a certificate joins with node metadata
   * claiming the name of a peer that was killed. The agent never counts it as that peer: status
   * keeps the peer unreachable and rmpeer of it is not refused as "reachable".
   */
  @Test
  void aStrangerWithForgedMetadataIsNeverAPeer(@TempDir Path dir) throws Exception {
    Path ca = TlsClusterIT.makeCa(dir, "ca", "a", "b");
    List<AgentProcess> agents = new ArrayList<>(List.of(new AgentProcess(dir.resolve("a")),
        new AgentProcess(dir.resolve("b"))));
    Process rogue = null;
    try {
      TlsClusterIT.startEach(agents, ca);
      allocateOnEach(agents, "before");
      converged(agents);
      AgentProcess a = agents.get(0);
      assertThat(a.status().getJsonArray("warnings").encode()).doesNotContain("peer traffic");
      String nameB = agents.get(1).status().getString("name");
      agents.get(1).kill();
      AgentProcess.await(Duration.ofSeconds(60), () -> a.reachable() == 1,
          "the killed peer to be unreachable");

      Path forged = dir.resolve("nothing.jsonl");
      Files.writeString(forged, "");
      rogue = new ProcessBuilder("java", "-Drogue.name=" + nameB, "-Drogue.hold=true", "-cp",
          Path.of("target/test-classes").toAbsolutePath() + ":" + AgentProcess.jar(),
          Rogue.class.getName(), AgentProcess.CLUSTER, a.clusterAddr(),
          Integer.toString(AgentProcess.freePort()), Integer.toString(AgentProcess.freePort()),
          forged.toString(), nameB).redirectErrorStream(true)
          .redirectOutput(dir.resolve("rogue.log").toFile()).start();
      // The agent sees the stranger listed under B's name and, after 30 s of silence on the
      // event bus, says so once; all that time it is no peer.
      AgentProcess.await(Duration.ofSeconds(120), () -> a.log().contains("claiming to be "
          + nameB + "(forged)"), "the agent to report the silent stranger");
      // With why its greetings failed, so that an operator can tell a stranger from a peer
      // whose address the cluster's registry lost.
      assertThat(a.log()).contains("(the last greeting to it failed: ");
      JsonArray peers = a.status().getJsonArray("peers");
      assertThat(peers).hasSize(2);
      assertThat(peers.getJsonObject(1).getString("name")).isEqualTo(nameB);
      assertThat(peers.getJsonObject(1).getBoolean("reachable")).as(peers.encode()).isFalse();
      assertThat(a.log()).doesNotContain("member joined: " + nameB + "(forged)");
      var removed = a.send("DELETE", "/peer/" + nameB);
      assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
      assertThat(count(a.log(), "claiming to be " + nameB)).isEqualTo(1);
    } finally {
      if (rogue != null) {
        rogue.destroyForcibly();
      }
      for (AgentProcess a : agents) {
        a.close();
      }
    }
  }

  @Test
  void withoutTlsTheSameAttackChangesARing(@TempDir Path dir) throws Exception {
    List<AgentProcess> agents = List.of(new AgentProcess(dir.resolve("a")),
        new AgentProcess(dir.resolve("b")));
    try {
      AgentProcess.startAll(agents);
      for (AgentProcess a : agents) {
        // Peers without TLS: said once at start and in status.
        assertThat(a.status().getJsonArray("warnings").encode())
            .contains("peer traffic is neither authenticated nor encrypted");
        assertThat(count(a.log(), "peer traffic is neither authenticated nor encrypted"))
            .isEqualTo(1);
      }
      allocateOnEach(agents, "before");
      converged(agents);
      String nameA = agents.get(0).status().getString("name");
      String heard = attack(dir, agents, "plain");
      assertThat(heard).doesNotContain("heard 0 gossip");
      // A's space given away to B, or A tombstoned, on some agent: the forgery took effect.
      AgentProcess.await(Duration.ofSeconds(30), () -> rings(agents).stream().anyMatch(r ->
          !r.getJsonArray(0).stream().anyMatch(e -> ((JsonArray) e).getString(1).equals(nameA))
              || r.getJsonArray(1).contains(nameA)), "a forged ring to change an agent's ring");
    } finally {
      for (AgentProcess a : agents) {
        a.close();
      }
    }
  }

  /** Runs the stranger with forged messages made from A's ring; returns what it printed. */
  private static String attack(Path dir, List<AgentProcess> agents, String name,
      String... certificate) throws Exception {
    AgentProcess a = agents.get(0);
    AgentProcess b = agents.get(1);
    String nameA = a.status().getString("name");
    String nameB = b.status().getString("name");
    JsonObject ring = new JsonObject(a.get("/ring").body()).getJsonObject("ring");
    JsonObject donation = ring.copy();
    JsonArray entries = new JsonArray();
    for (Object o : ring.getJsonArray("entries")) {
      JsonArray e = ((JsonArray) o).copy();
      if (e.getString(1).equals(nameA)) {
        e.set(1, nameB);
        e.set(2, e.getLong(2) + 1);
      }
      entries.add(e);
    }
    donation.put("entries", entries);
    JsonObject tombstone = ring.copy();
    tombstone.put("removed", tombstone.getJsonArray("removed").copy().add(nameA));
    Path forged = dir.resolve(name + ".jsonl");
    Files.writeString(forged, new JsonObject().put("from", nameA).put("type", "ring")
        .put("ring", donation).encode() + "\n" + new JsonObject().put("from", nameB)
        .put("type", "ring").put("ring", tombstone).encode() + "\n");
    List<String> command = new ArrayList<>(List.of("java", "-cp",
        Path.of("target/test-classes").toAbsolutePath() + ":" + AgentProcess.jar(),
        Rogue.class.getName(), AgentProcess.CLUSTER, a.clusterAddr(),
        Integer.toString(AgentProcess.freePort()), Integer.toString(AgentProcess.freePort()),
        forged.toString(), nameA));
    command.addAll(List.of(certificate));
    Process rogue = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(rogue.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(rogue.waitFor(90, TimeUnit.SECONDS)).as(out).isTrue();
    assertThat(out).as(out).contains("published 2 forged");
    return out;
  }

  /** Waits until every agent holds the same ring, and returns the rings. */
  private static List<JsonArray> converged(List<AgentProcess> agents) {
    AgentProcess.await(Duration.ofSeconds(45), () -> new HashSet<>(rings(agents)).size() == 1,
        "the agents' rings to converge");
    return rings(agents);
  }

  private static List<JsonArray> rings(List<AgentProcess> agents) {
    List<JsonArray> rings = new ArrayList<>();
    for (AgentProcess a : agents) {
      JsonObject ring = new JsonObject(a.get("/ring").body()).getJsonObject("ring");
      rings.add(new JsonArray().add(ring.getJsonArray("entries")).add(ring.getJsonArray("removed")));
    }
    return rings;
  }

  private static Set<String> allocateOnEach(List<AgentProcess> agents, String prefix) {
    Set<String> held = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      for (AgentProcess a : agents) {
        held.add(TlsClusterIT.allocate(a, prefix + i + "-" + a.httpPort));
      }
    }
    return held;
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
