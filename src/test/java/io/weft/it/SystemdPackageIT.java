package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Debian package under a real systemd: a Podman container whose PID 1 is systemd (Debian 12,
 * {@code --cap-add SYS_ADMIN} so that the unit's sandboxing can build its mount namespace), the
 * built {@code target/weft_*_all.deb} installed with dpkg, then the service's whole life: start,
 * answers, hardening, journal, restart, upgrade, stop, remove, purge. The steps run in order on
 * one container, as an operator would take them.
 */
@TestInstance(Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class SystemdPackageIT {
  private static final String CONTAINER = "weft-it-systemd";
  private static final String READY = "curl -sf -o /dev/null http://127.0.0.1:6784/health/ready";
  /** Polls a condition inside the container for up to 120 s (the machine may be busy). */
  private static final String UNTIL_READY = "i=0; until " + READY + "; do i=$((i+1));"
      + " [ $i -lt 1200 ] || { echo 'not ready after 120 s' >&2; exit 1; }; sleep 0.1; done";

  private Podman podman;

  @BeforeAll
  void bootSystemd() throws IOException {
    podman = Podman.fromEnvironment();
    assumeTrue(podman != null,
        "no systemd base image (source .ci/systemd-base to set WEFT_TEST_SYSTEMD_BASE)");
    podman.removeContainer(CONTAINER);
    podman.ok("run", "-d", "--name", CONTAINER, "--systemd=always", "--cap-add", "SYS_ADMIN",
        podman.base, "/sbin/init");
    // Right after start systemctl cannot reach the bus yet: ask until systemd says it is up.
    podman.shOk(CONTAINER, "i=0; until systemctl is-system-running --wait >/dev/null 2>&1;"
        + " do i=$((i+1)); [ $i -lt 240 ] || { systemctl is-system-running; exit 1; };"
        + " sleep 0.5; done");
    podman.ok("cp", deb().toString(), CONTAINER + ":/tmp/weft.deb");
  }

  @AfterAll
  void removeContainer() {
    if (podman != null) {
      podman.removeContainer(CONTAINER);
    }
  }

  static Path deb() throws IOException {
    Path target = AgentProcess.jar().getParent();
    try (Stream<Path> files = Files.list(target)) {
      List<Path> debs = files.filter(f -> f.getFileName().toString().matches("weft_.+_all\\.deb"))
          .toList();
      assertThat(debs).as("one Debian package in %s (mvn package builds it)", target).hasSize(1);
      return debs.get(0);
    }
  }

  @Test
  @Order(1)
  void installingEnablesAndStartsTheService() {
    podman.shOk(CONTAINER, "dpkg -i /tmp/weft.deb");
    podman.shOk(CONTAINER, UNTIL_READY);
    assertThat(podman.shOk(CONTAINER, "systemctl is-enabled weft")).isEqualTo("enabled");
    assertThat(podman.shOk(CONTAINER,
        "systemd-analyze verify --man=no /lib/systemd/system/weft.service 2>&1"))
        .as("the installed unit verifies without a warning").isEmpty();
    assertThat(podman.shOk(CONTAINER, "systemctl is-active weft")).isEqualTo("active");
    assertThat(podman.shOk(CONTAINER, "getent group docker"))
        .as("postinst made the group the unit adds the agent to").startsWith("docker:");
    assertThat(podman.shOk(CONTAINER, "dpkg-query -W -f '${Conffiles}' weft"))
        .contains("/etc/weft/weft.yaml");
    assertThat(podman.shOk(CONTAINER, "ls /usr/share/man/man1/"))
        .contains("weft.1.gz", "weft-launch.1.gz", "weft-status.1.gz", "weft-allocate.1.gz");
    assertThat(podman.shOk(CONTAINER, "zcat /usr/share/man/man1/weft-launch.1.gz"))
        .contains(".TH \"WEFT\\-LAUNCH\" \"1\"")
        .contains("[\\fB\\-\\-cluster\\-addr\\fP=\\fIHOST[:PORT]\\fP]");
  }

  @Test
  @Order(2)
  void startedBySystemctlItAnswersReadinessAndAnAllocation() {
    podman.shOk(CONTAINER, "systemctl stop weft");
    String millis = podman.shOk(CONTAINER, "t0=$(date +%s%N); systemctl start weft; "
        + UNTIL_READY + "; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 ))");
    System.out.printf("systemctl start weft -> /health/ready answers 200: %s ms%n", millis);

    String address = podman.shOk(CONTAINER, "curl -sf -X POST http://127.0.0.1:6784/ip/svc-1");
    assertThat(address).matches("10\\.(3[2-9]|4[0-7])\\.\\d+\\.\\d+/12");
    // The launcher on the PATH talks to the same agent.
    assertThat(podman.shOk(CONTAINER, "weft lookup svc-1")).isEqualTo(address);
    assertThat(podman.shOk(CONTAINER, "weft status")).contains("Consensus: achieved");
  }

  @Test
  @Order(2)
  void theCniPluginIsInstalledWhereRuntimesLookAndStartsFromItsArchive() {
    assertThat(podman.shOk(CONTAINER, "cmp /usr/lib/cni/weft-ipam /opt/cni/bin/weft-ipam && echo same"))
        .isEqualTo("same");
    assertThat(podman.shOk(CONTAINER, "test -s /usr/share/weft/weft-ipam.jsa && echo made"))
        .as("postinst made the plugin's class-data-sharing archive").isEqualTo("made");
    assertThat(podman.shOk(CONTAINER, "echo '{\"cniVersion\":\"1.0.0\"}' | CNI_COMMAND=VERSION"
        + " JAVA_TOOL_OPTIONS=-Xlog:class+load=info:file=/tmp/cni-classes.log"
        + " /usr/lib/cni/weft-ipam 2>/dev/null"))
        .contains("\"supportedVersions\"").contains("1.0.0");
    assertThat(podman.shOk(CONTAINER, "grep -c 'io.weft.cni.CniMain source: shared objects"
        + " file' /tmp/cni-classes.log")).as("the plugin's classes came from the archive")
        .isEqualTo("1");
  }

  @Test
  @Order(3)
  void theLauncherUsesAClassDataSharingArchiveBesideTheJarAndIgnoresABadOne() {
    String address = podman.shOk(CONTAINER, "curl -sf http://127.0.0.1:6784/ip/svc-1");
    assertThat(podman.shOk(CONTAINER, "test -s /usr/share/weft/weft.jsa"
        + " && test -s /usr/share/weft/weft-cli.jsa && echo made"))
        .as("postinst made the agent's and the client commands' archives").isEqualTo("made");
    // With -Xshare:on the JVM refuses to start unless the launcher handed it a usable archive.
    assertThat(podman.shOk(CONTAINER, "WEFT_JAVA_OPTS=-Xshare:on weft lookup svc-1"))
        .isEqualTo(address);
    try {
      podman.shOk(CONTAINER, "echo not-an-archive > /usr/share/weft/weft-cli.jsa");
      assertThat(podman.shOk(CONTAINER, "weft lookup svc-1")).isEqualTo(address);
    } finally {
      podman.shOk(CONTAINER, "weft --make-archives");
    }
    assertThat(podman.shOk(CONTAINER, "WEFT_JAVA_OPTS=-Xshare:on weft lookup svc-1"))
        .as("weft --make-archives made a usable archive again").isEqualTo(address);
  }

  @Test
  @Order(4)
  void theSandboxHoldsWhileItRuns() {
    String pid = mainPid();
    String status = podman.shOk(CONTAINER, "cat /proc/" + pid + "/status");
    assertThat(status).as("NoNewPrivileges=yes").containsPattern("NoNewPrivs:\\s+1");
    assertThat(status).as("no capabilities").containsPattern("CapEff:\\s+0+\\n");
    assertThat(status).as("DynamicUser=yes: not root").doesNotContainPattern("Uid:\\s+0\\s");
    List<String> mounts = podman.shOk(CONTAINER, "cat /proc/" + pid + "/mountinfo").lines()
        .map(line -> line.split(" ")).map(f -> f[4] + " " + f[5] + " " + f[3]).toList();
    assertThat(mounts).as("ProtectSystem=strict: / is read-only")
        .anyMatch(m -> m.startsWith("/ ro,"));
    assertThat(mounts).as("PrivateTmp=yes: /tmp is the unit's own")
        .anyMatch(m -> m.startsWith("/tmp rw,") && m.contains("systemd-private-")
            && m.contains("weft.service"));
    assertThat(mounts).as("StateDirectory=weft: the one writable place")
        .anyMatch(m -> m.startsWith("/var/lib/private/weft rw,"));
    String uid = podman.shOk(CONTAINER, "awk '/^Uid:/ {print $2}' /proc/" + pid + "/status");
    assertThat(podman.shOk(CONTAINER, "stat -c %u /var/lib/private/weft/weft.db"))
        .as("the state is written by the service's own user").isEqualTo(uid);
  }

  @Test
  @Order(5)
  void theJournalHoldsItsLogLines() {
    String journal = podman.shOk(CONTAINER, "journalctl -u weft --no-pager -o cat");
    assertThat(journal).contains("Agent: weft ").contains(" started in ")
        .contains("IP allocation ring ready");
  }

  @Test
  @Order(6)
  void restartKeepsItsAllocations() {
    String address = podman.shOk(CONTAINER, "curl -sf -X POST http://127.0.0.1:6784/ip/svc-2");
    String before = mainPid();
    podman.shOk(CONTAINER, "systemctl restart weft && " + UNTIL_READY);
    assertThat(mainPid()).as("a new process").isNotEqualTo(before);
    assertThat(podman.shOk(CONTAINER, "curl -sf http://127.0.0.1:6784/ip/svc-2"))
        .isEqualTo(address);
  }

  @Test
  @Order(7)
  void installingAgainRestartsIt() {
    String before = mainPid();
    podman.shOk(CONTAINER, "dpkg -i /tmp/weft.deb && " + UNTIL_READY);
    assertThat(mainPid()).as("restarted by postinst on upgrade").isNotEqualTo(before);
    assertThat(podman.shOk(CONTAINER, "curl -sf http://127.0.0.1:6784/ip/svc-1")).isNotEmpty();
  }

  @Test
  @Order(8)
  void stopEndsItCleanlyWithStatusZero() {
    podman.shOk(CONTAINER, "systemctl stop weft");
    assertThat(podman.shOk(CONTAINER,
        "systemctl show weft -p ActiveState -p Result -p ExecMainCode -p ExecMainStatus"))
        .contains("ActiveState=inactive", "Result=success", "ExecMainCode=1",
            "ExecMainStatus=0");
    // Every stop so far (the restarts, the upgrade that replaced the jar under the running
    // agent, this stop) ended cleanly: none failed or had to be killed.
    assertThat(podman.shOk(CONTAINER, "journalctl -u weft --no-pager -o cat"))
        .contains("Deactivated successfully").doesNotContain("Failed with result")
        .doesNotContain("status=1/FAILURE").doesNotContain("Killing process");
    podman.shOk(CONTAINER, "systemctl start weft && " + UNTIL_READY);
  }

  @Test
  @Order(9)
  void removeStopsItAndKeepsStateAndConfiguration() {
    podman.shOk(CONTAINER, "dpkg -r weft");
    assertThat(podman.sh(CONTAINER, "systemctl is-active weft").out()).isEqualTo("inactive");
    assertThat(podman.sh(CONTAINER, READY).exit()).as("nothing answers").isNotZero();
    podman.shOk(CONTAINER, "test ! -e /usr/bin/weft && test ! -e /usr/share/weft/weft.jar");
    podman.shOk(CONTAINER, "test -s /var/lib/weft/weft.db && test -s /etc/weft/weft.yaml");
  }

  @Test
  @Order(10)
  void purgeRemovesStateConfigurationAndEnablement() {
    podman.shOk(CONTAINER, "dpkg -P weft");
    for (String gone : List.of("/var/lib/weft", "/var/lib/private/weft", "/etc/weft",
        "/etc/systemd/system/weft.service",
        "/etc/systemd/system/multi-user.target.wants/weft.service")) {
      assertThat(podman.sh(CONTAINER, "test ! -e " + gone + " && test ! -L " + gone).exit())
          .as("%s is gone after purge", gone).isZero();
    }
    assertThat(podman.sh(CONTAINER, "dpkg -s weft").exit()).as("weft unknown to dpkg")
        .isNotZero();
  }

  private String mainPid() {
    String pid = podman.shOk(CONTAINER, "systemctl show -p MainPID --value weft");
    assertThat(pid).matches("[1-9]\\d*");
    return pid;
  }
}
