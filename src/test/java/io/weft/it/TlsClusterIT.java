package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS between peers, end to end: the files made by 'weft tls', three agents started with
 * them, and an agent whose certificate another CA signed.
 */
class TlsClusterIT {

  /** Makes a CA in {@code dir/name} and one certificate per host, for 127.0.0.1. */
  static Path makeCa(Path dir, String name, String... hosts) throws Exception {
    Path ca = dir.resolve(name);
    Cli.Result made = Cli.run("tls", "ca", "create", "--dir", ca.toString());
    assertThat(made.code()).as(made.err()).isZero();
    for (String host : hosts) {
      Cli.Result cert = Cli.run("tls", "cert", "create", "--ca-dir", ca.toString(), "--name", host,
          "--ip", "127.0.0.1", "--dir", ca.toString());
      assertThat(cert.code()).as(cert.err()).isZero();
      assertThat(cert.out()).contains(host + ".pem").contains(host + "-key.pem");
    }
    return ca;
  }

  static String[] tlsFlags(Path ca, String host) {
    return new String[] {"--tls-cert", ca.resolve(host + ".pem").toString(),
        "--tls-key", ca.resolve(host + "-key.pem").toString(),
        "--tls-ca", ca.resolve("weft-ca.pem").toString()};
  }

  @Test
  void theCommandsMakeFilesWithPrivateKeysReadableByTheOwnerOnly(@TempDir Path dir)
      throws Exception {
    Path ca = makeCa(dir, "ca", "host-a");
    for (String key : List.of("weft-ca-key.pem", "host-a-key.pem")) {
      assertThat(Files.getPosixFilePermissions(ca.resolve(key)))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE);
    }
    Cli.Result again = Cli.run("tls", "ca", "create", "--dir", ca.toString());
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).contains("already exists");
  }

  @Test
  void launchRefusesIncompleteOrForeignTlsFilesWithExit2NamingThem(@TempDir Path dir)
      throws Exception {
    Path ca = makeCa(dir, "ca", "a");
    Path other = makeCa(dir, "other", "x");
    Cli.Result missing = Cli.run("launch", "--data-dir", dir.resolve("d").toString(),
        "--tls-cert", ca.resolve("a.pem").toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("missing: --tls-key, --tls-ca");

    Cli.Result foreign = Cli.run("launch", "--data-dir", dir.resolve("d").toString(),
        "--tls-cert", other.resolve("x.pem").toString(), "--tls-key",
        other.resolve("x-key.pem").toString(), "--tls-ca", ca.resolve("weft-ca.pem").toString());
    assertThat(foreign.code()).isEqualTo(2);
    assertThat(foreign.err()).contains(other.resolve("x.pem").toString())
        .contains("not signed by the CA");

    Cli.Result unreadable = Cli.run("launch", "--data-dir", dir.resolve("d").toString(),
        "--tls-cert", dir.resolve("nope.pem").toString(), "--tls-key",
        ca.resolve("a-key.pem").toString(), "--tls-ca", ca.resolve("weft-ca.pem").toString());
    assertThat(unreadable.code()).isEqualTo(2);
    assertThat(unreadable.err()).contains(dir.resolve("nope.pem").toString());

    Cli.Result wrongKey = Cli.run("launch", "--data-dir", dir.resolve("d").toString(),
        "--tls-cert", ca.resolve("a.pem").toString(), "--tls-key",
        other.resolve("x-key.pem").toString(), "--tls-ca", ca.resolve("weft-ca.pem").toString());
    assertThat(wrongKey.code()).isEqualTo(2);
    assertThat(wrongKey.err()).contains(other.resolve("x-key.pem").toString());
  }

  @Test
  void threeTlsAgentsFormAgreeAllocateAndSurviveKillAndRestart(@TempDir Path dir)
      throws Exception {
    Path ca = makeCa(dir, "ca", "a", "b", "c");
    List<AgentProcess> agents = new ArrayList<>();
    for (String host : List.of("a", "b", "c")) {
      agents.add(new AgentProcess(dir.resolve(host)));
    }
    try {
      startEach(agents, ca);
      JsonObject status = agents.get(0).status();
      assertThat(status.getBoolean("tls")).isTrue();
      Instant expiry = Instant.parse(status.getString("tlsCertificateExpiry"));
      assertThat(expiry).isAfter(Instant.now().plus(Duration.ofDays(300)));
      Set<String> held = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        for (AgentProcess a : agents) {
          held.add(allocate(a, "c" + i + "-" + a.httpPort));
        }
      }
      assertThat(held).hasSize(9);

      AgentProcess victim = agents.get(1);
      String kept = allocate(victim, "kept");
      victim.kill();
      AgentProcess restarted = victim.sameDataDir();
      agents.set(1, restarted);
      List<String> args = new ArrayList<>(List.of(tlsFlags(ca, "b")));
      args.add(agents.get(0).clusterAddr());
      args.add(agents.get(2).clusterAddr());
      restarted.start(args.toArray(String[]::new)).awaitLive(Duration.ofSeconds(120));
      AgentProcess.await(Duration.ofSeconds(45), () -> agents.stream()
          .allMatch(a -> a.reachable() == 3), "3 peers reachable after the restart");
      assertThat(allocate(restarted, "kept")).isEqualTo(kept);
      for (AgentProcess a : agents) {
        assertThat(held.add(allocate(a, "after-" + a.httpPort))).isTrue();
      }
    } finally {
      for (AgentProcess a : agents) {
        a.close();
      }
    }
  }

  /**
   * An agent whose certificate another CA signed joins Hazelcast but is refused on the event bus:
   * one clear line on each side, and neither counts the other as a peer.
   */
  @Test
  void anAgentWithAnotherCasCertificateIsRefusedWithOneLineOnEachSide(@TempDir Path dir)
      throws Exception {
    Path ca = makeCa(dir, "ca", "a", "b");
    Path other = makeCa(dir, "other", "x");
    List<AgentProcess> agents = new ArrayList<>(List.of(new AgentProcess(dir.resolve("a")),
        new AgentProcess(dir.resolve("b"))));
    AgentProcess x = new AgentProcess(dir.resolve("x"));
    try {
      startEach(agents, ca);
      String refused = "peer traffic: a TLS handshake on the event bus failed";
      List<String> args = new ArrayList<>(List.of(tlsFlags(other, "x")));
      args.add(agents.get(0).clusterAddr());
      x.start(args.toArray(String[]::new)).awaitLive(Duration.ofSeconds(120));
      // Each agent greets the outsider and the outsider greets each agent: all handshakes fail.
      AgentProcess.await(Duration.ofSeconds(90), () -> x.log().contains(refused)
          && agents.stream().allMatch(a -> a.log().contains(refused)),
          "the refusal to be logged by the outsider and by each agent");
      // Handshakes keep being retried: give them time to be logged again (they must not be).
      Thread.sleep(10_000);
      assertThat(count(x.log(), refused)).as(x.log()).isEqualTo(1);
      String nameX = x.status().getString("name");
      for (AgentProcess a : agents) {
        assertThat(count(a.log(), refused)).as(a.log()).isEqualTo(1);
        assertThat(a.reachable()).isEqualTo(2);
        assertThat(a.status().getJsonArray("peers").encode()).doesNotContain(nameX);
      }
      assertThat(x.reachable()).isEqualTo(1);
      assertThat(allocate(agents.get(0), "in-a")).isNotEqualTo(allocate(agents.get(1), "in-b"));
    } finally {
      x.close();
      for (AgentProcess a : agents) {
        a.close();
      }
    }
  }

  /**
   * Rotation: the files are replaced with a new certificate and the agent restarted; it presents
   * the new one (its expiry in status changes), keeps its allocations and rejoins its peer.
   */
  @Test
  void replacedCertificateFilesAreUsedAfterARestartWithTheAllocationsKept(@TempDir Path dir)
      throws Exception {
    Path ca = makeCa(dir, "ca", "a", "b");
    List<AgentProcess> agents = new ArrayList<>(List.of(new AgentProcess(dir.resolve("a")),
        new AgentProcess(dir.resolve("b"))));
    try {
      startEach(agents, ca);
      AgentProcess a = agents.get(0);
      String kept = allocate(a, "kept");
      Instant before = Instant.parse(a.status().getString("tlsCertificateExpiry"));
      Thread.sleep(1100); // certificates count in whole seconds
      Path renewed = dir.resolve("renewed");
      Cli.Result made = Cli.run("tls", "cert", "create", "--ca-dir", ca.toString(), "--name", "a",
          "--ip", "127.0.0.1", "--dir", renewed.toString());
      assertThat(made.code()).as(made.err()).isZero();
      for (String file : List.of("a.pem", "a-key.pem")) {
        Files.copy(renewed.resolve(file), ca.resolve(file),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      assertThat(a.terminate(Duration.ofSeconds(30))).isZero();
      AgentProcess restarted = a.sameDataDir();
      agents.set(0, restarted);
      List<String> args = new ArrayList<>(List.of(tlsFlags(ca, "a")));
      args.add(agents.get(1).clusterAddr());
      restarted.start(args.toArray(String[]::new)).awaitLive(Duration.ofSeconds(120));
      Instant after = Instant.parse(restarted.status().getString("tlsCertificateExpiry"));
      assertThat(after).isAfter(before);
      AgentProcess.await(Duration.ofSeconds(60), () -> agents.stream()
          .allMatch(p -> p.reachable() == 2), "both peers reachable with the new certificate");
      assertThat(allocate(restarted, "kept")).isEqualTo(kept);
      assertThat(allocate(agents.get(1), "on-b")).isNotEqualTo(kept);
    } finally {
      for (AgentProcess a : agents) {
        a.close();
      }
    }
  }

  static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

  static void startEach(List<AgentProcess> agents, Path ca) throws Exception {
    String[] hosts = {"a", "b", "c", "d"};
    for (int i = 0; i < agents.size(); i++) {
      AgentProcess a = agents.get(i);
      List<String> args = new ArrayList<>(List.of(tlsFlags(ca, hosts[i])));
      agents.stream().filter(o -> o != a).forEach(o -> args.add(o.clusterAddr()));
      a.start(args.toArray(String[]::new));
    }
    for (AgentProcess a : agents) {
      a.awaitLive(Duration.ofSeconds(120));
    }
    AgentProcess.await(Duration.ofSeconds(45), () -> agents.stream()
        .allMatch(a -> a.reachable() == agents.size()), agents.size() + " peers reachable");
  }

  static String allocate(AgentProcess agent, String id) {
    HttpResponse<String> r = agent.send("POST", "/ip/" + id);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body().strip();
  }
}
