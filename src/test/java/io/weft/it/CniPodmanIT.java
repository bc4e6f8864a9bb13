package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * weft-ipam end to end through a real runtime: Podman with its CNI backend and Debian's bridge
 * plugin, two agents on loopback and one Podman per agent. Needs root and the environment
 * {@code .ci/podman-cni} exports; skipped without them unless WEFT_REQUIRE_CNI is set.
 */
class CniPodmanIT {
  private static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");

  @Test
  void containersOnTwoHostsGetDistinctWeftAddressesFreedWhenRemoved() throws Exception {
    String tar = System.getenv("WEFT_TEST_CNI_BUSYBOX_TAR");
    String pluginDir = System.getenv("WEFT_TEST_CNI_PLUGIN_DIR");
    boolean root = "root".equals(System.getProperty("user.name"));
    if (System.getenv("WEFT_REQUIRE_CNI") != null && (tar == null || pluginDir == null || !root)) {
      throw new AssertionError("WEFT_REQUIRE_CNI is set but WEFT_TEST_CNI_BUSYBOX_TAR /"
          + " WEFT_TEST_CNI_PLUGIN_DIR are not (source .ci/podman-cni as root)");
    }
    assumeTrue(tar != null && pluginDir != null && root,
        "no Podman CNI set-up (source .ci/podman-cni as root)");
    String forwarding = Files.readString(IP_FORWARD).strip();
    // Short: Podman refuses a runroot path longer than 50 characters.
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "wc");
    List<AgentProcess> agents = List.of(new AgentProcess(dir.resolve("agent1")),
        new AgentProcess(dir.resolve("agent2")));
    try {
      AgentProcess.startAll(agents);
      AgentProcess one = agents.get(0);
      AgentProcess two = agents.get(1);
      try (PodmanCniHost host1 = new PodmanCniHost(dir.resolve("h1"), "cni-weft1",
              one.httpAddr(), pluginDir, Path.of(tar));
          PodmanCniHost host2 = new PodmanCniHost(dir.resolve("h2"), "cni-weft2",
              two.httpAddr(), pluginDir, Path.of(tar))) {
        String shown = PodmanCniHost.inet(host1.podman("run", "--rm", "--network",
            PodmanCniHost.NETWORK, "localhost/busybox", "ip", "-4", "addr", "show", "eth0"));
        assertThat(shown).startsWith("10.").endsWith("/12");

        String c1 = host1.startContainer("c1");
        String c2 = host1.startContainer("c2");
        String c3 = host2.startContainer("c3");
        String a1 = host1.addressOf("c1");
        String a2 = host1.addressOf("c2");
        String a3 = host2.addressOf("c3");
        assertThat(List.of(a1, a2, a3)).doesNotHaveDuplicates()
            .allMatch(a -> a.endsWith("/12") && inRange(a));

        String ident1 = "cni:weftnet:eth0:" + c1;
        assertThat(Cli.run("lookup", ident1, "--http-addr", one.httpAddr()).out().strip())
            .isEqualTo(a1);
        assertThat(Cli.run("lookup", "cni:weftnet:eth0:" + c3, "--http-addr", two.httpAddr())
            .out().strip()).isEqualTo(a3);

        // podman run --ip: the runtime passes it to the plugin (CNI_ARGS IP=), which claims it.
        String wanted = a2.substring(0, a2.lastIndexOf('.')) + ".200";
        assertThat(PodmanCniHost.inet(host1.podman("run", "--rm", "--network",
            PodmanCniHost.NETWORK, "--ip", wanted, "localhost/busybox", "ip", "-4", "addr",
            "show", "eth0"))).isEqualTo(wanted + "/12");

        host1.podman("rm", "-f", "-t", "0", "c1");
        AgentProcess.await(Duration.ofSeconds(60), () -> one.get("/ip/" + ident1).body()
            .isBlank(), "c1's address freed after podman rm");
        assertThat(one.get("/ip/cni:weftnet:eth0:" + c2).body().strip()).isEqualTo(a2);
      }
    } finally {
      for (AgentProcess a : agents) {
        a.close();
      }
      Files.writeString(IP_FORWARD, forwarding + "\n");
      new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
    }
  }

  private static boolean inRange(String address) {
    String[] octets = address.substring(0, address.indexOf('/')).split("\\.");
    int second = Integer.parseInt(octets[1]);
    return octets[0].equals("10") && second >= 32 && second < 48;
  }
}
