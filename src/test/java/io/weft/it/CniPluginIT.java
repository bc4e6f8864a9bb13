package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code target/cni/weft-ipam} against a real agent, run exactly as a runtime runs it,
 * for every command and every error code.
 */
class CniPluginIT {
  private static final String CID = "0123456789abcdef".repeat(4);
  @TempDir
  static Path dir;
  private static AgentProcess agent;

  @BeforeAll
  static void startAgent() throws Exception {
    agent = new AgentProcess(dir.resolve("a")).start().awaitLive(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopAgent() throws Exception {
    agent.close();
  }

  private String config(String version, String network, String ipamKeys) {
    return CniPlugin.config(version, network, agent.httpAddr(), ipamKeys);
  }

  private List<String> idents() {
    JsonArray owned = new JsonObject(agent.get("/ip").body()).getJsonArray("owned");
    return owned.stream().map(o -> ((JsonObject) o).getString("containerid")).toList();
  }

  @Test
  void addRepeatCheckDelAndDelAgain() throws Exception {
    String net = config("1.0.0", "podnet", "\"routes\":[{\"dst\":\"0.0.0.0/0\"}]");
    CniPlugin.Run add = CniPlugin.run("ADD", CID, net);
    assertThat(add.exit()).as(add.toString()).isZero();
    JsonObject result = add.json();
    assertThat(result.getString("cniVersion")).isEqualTo("1.0.0");
    JsonObject ip = result.getJsonArray("ips").getJsonObject(0);
    String address = ip.getString("address");
    assertThat(address).startsWith("10.3").endsWith("/12").isNotEqualTo("10.32.0.1/12");
    assertThat(ip.getString("gateway")).isEqualTo("10.32.0.1");
    assertThat(ip.containsKey("version")).isFalse();
    assertThat(result.getJsonArray("routes").getJsonObject(0).getString("dst"))
        .isEqualTo("0.0.0.0/0");

    // The ident names the network; the CLI and GET /ip show it; the gateway is held for it.
    String ident = "cni:podnet:eth0:" + CID;
    assertThat(idents()).contains(ident, "cni-gateway:10.32.0.1");
    assertThat(Cli.run("lookup", ident, "--http-addr", agent.httpAddr()).out().strip())
        .isEqualTo(address);
    assertThat(agent.get("/ip/cni-gateway:10.32.0.1").body().strip()).isEqualTo("10.32.0.1/12");

    CniPlugin.Run again = CniPlugin.run("ADD", CID, net);
    assertThat(again.json().getJsonArray("ips").getJsonObject(0).getString("address"))
        .isEqualTo(address);

    String withPrev = new JsonObject(net).put("prevResult", result).encode();
    assertThat(CniPlugin.run("CHECK", CID, withPrev).exit()).isZero();
    // Later plugins of the chain add addresses of their own, IPv6 ones too: CHECK leaves them
    // to those plugins, and DEL succeeds whatever prevResult holds.
    JsonObject chained = result.copy();
    chained.getJsonArray("ips").add(new JsonObject().put("address", "192.168.9.9/24"))
        .add(new JsonObject().put("address", "fd00::5/64"));
    String withChain = new JsonObject(net).put("prevResult", chained).encode();
    CniPlugin.Run checkChain = CniPlugin.run("CHECK", CID, withChain);
    assertThat(checkChain.exit()).as(checkChain.toString()).isZero();
    CniPlugin.Run delChain = CniPlugin.run("DEL", CID, new JsonObject(net)
        .put("prevResult", "not an object").encode());
    assertThat(delChain.exit()).as(delChain.toString()).isZero();
    assertThat(idents()).doesNotContain(ident);
    assertThat(CniPlugin.run("ADD", CID, net).exit()).isZero();
    CniPlugin.Run delIpv6 = CniPlugin.run("DEL", CID, withChain);
    assertThat(delIpv6.exit()).as(delIpv6.toString()).isZero();
    assertThat(idents()).doesNotContain(ident);
    assertThat(CniPlugin.run("ADD", CID, net).exit()).isZero();
    assertThat(CniPlugin.run("DEL", CID, withPrev).exit()).isZero();
    assertThat(idents()).doesNotContain(ident).contains("cni-gateway:10.32.0.1");
    CniPlugin.Run delAgain = CniPlugin.run("DEL", CID, withPrev);
    assertThat(delAgain.exit()).as(delAgain.toString()).isZero();
    assertThat(delAgain.stdout()).isEmpty();
  }

  @Test
  void checkFailsOnceTheAddressWasReleasedOutOfBand() throws Exception {
    String net = config("0.4.0", "checknet", "");
    CniPlugin.Run add = CniPlugin.run("ADD", "c-check", net);
    assertThat(add.json().getJsonArray("ips").getJsonObject(0).getString("version"))
        .isEqualTo("4");
    String withPrev = new JsonObject(net).put("prevResult", add.json()).encode();
    assertThat(CniPlugin.run("CHECK", "c-check", withPrev).exit()).isZero();
    assertThat(agent.send("DELETE", "/ip/cni:checknet:eth0:c-check").statusCode())
        .isEqualTo(204);
    CniPlugin.Run check = CniPlugin.run("CHECK", "c-check", withPrev);
    assertThat(check.code()).isEqualTo(101);
    assertThat(check.json().getString("msg")).contains("no longer held");
    assertThat(check.json().getString("cniVersion")).isEqualTo("0.4.0");
    // CHECK did not exist before 0.4.0.
    String old = new JsonObject(config("0.3.1", "checknet", "")).put("prevResult", add.json())
        .encode();
    assertThat(CniPlugin.run("CHECK", "c-check", old).code()).isEqualTo(1);
  }

  /**
   * A runtime asks for an address as host-local reads it (podman run --ip): IP= in CNI_ARGS or
   * runtimeConfig.ips. ADD claims exactly it, refuses it while another container holds it, and
   * refuses the gateway or an address outside the subnet as invalid config.
   */
  @Test
  void anAddressAskedForInCniArgsOrRuntimeConfigIsClaimed() throws Exception {
    String net = config("1.0.0", "ipnet", "\"subnet\":\"10.40.3.0/24\"");
    CniPlugin.Run add = CniPlugin.run("ADD", "c-ip1", net, "CNI_ARGS",
        "IgnoreUnknown=1;K8S_POD_NAME=x;IP=10.40.3.77");
    assertThat(add.exit()).as(add.toString()).isZero();
    assertThat(add.json().getJsonArray("ips").getJsonObject(0).getString("address"))
        .isEqualTo("10.40.3.77/24");
    assertThat(agent.get("/ip/cni:ipnet:eth0:c-ip1").body()).isEqualTo("10.40.3.77/24");
    CniPlugin.Run again = CniPlugin.run("ADD", "c-ip1", net, "CNI_ARGS", "IP=10.40.3.77");
    assertThat(again.exit()).as("a repeated ADD: " + again).isZero();

    CniPlugin.Run taken = CniPlugin.run("ADD", "c-ip2", new JsonObject(net).put("runtimeConfig",
        new JsonObject().put("ips", new JsonArray().add("10.40.3.77/24"))).encode());
    assertThat(taken.code()).as(taken.toString()).isEqualTo(100);
    assertThat(taken.json().getString("msg")).contains("10.40.3.77").contains("cni:ipnet:eth0:c-ip1");
    assertThat(idents()).doesNotContain("cni:ipnet:eth0:c-ip2");
    CniPlugin.Run viaRuntime = CniPlugin.run("ADD", "c-ip2", new JsonObject(net)
        .put("runtimeConfig", new JsonObject().put("ips", new JsonArray().add("10.40.3.78/24")))
        .encode());
    assertThat(viaRuntime.json().getJsonArray("ips").getJsonObject(0).getString("address"))
        .isEqualTo("10.40.3.78/24");

    for (String wrong : List.of("10.40.3.1", "10.40.4.5", "10.40.3.255")) {
      CniPlugin.Run refused = CniPlugin.run("ADD", "c-ip3", net, "CNI_ARGS", "IP=" + wrong);
      assertThat(refused.code()).as(wrong + ": " + refused).isEqualTo(7);
    }
    assertThat(CniPlugin.run("ADD", "c-ip3", net, "CNI_ARGS", "IP=10.40.3.9,10.40.3.10").code())
        .isEqualTo(4);
    assertThat(CniPlugin.run("DEL", "c-ip1", net).exit()).isZero();
    assertThat(CniPlugin.run("DEL", "c-ip2", net).exit()).isZero();
    assertThat(idents()).noneMatch(i -> i.startsWith("cni:ipnet:"));
  }

  @Test
  void aGatewayOnTheSubnetsNetworkOrBroadcastAddressIsInvalidConfig() throws Exception {
    for (String gateway : List.of("10.40.2.0", "10.40.2.255")) {
      CniPlugin.Run add = CniPlugin.run("ADD", "c-gw", config("1.0.0", "gwnet",
          "\"subnet\":\"10.40.2.0/24\",\"gateway\":\"" + gateway + "\""));
      assertThat(add.code()).as(add.toString()).isEqualTo(7);
      assertThat(add.json().getString("msg")).contains("10.40.2.1 to 10.40.2.254");
    }
    assertThat(idents()).noneMatch(i -> i.startsWith("cni:gwnet") || i.contains("10.40.2."));
  }

  @Test
  void resultsInTheLayoutOfEveryVersion() throws Exception {
    for (String version : List.of("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0")) {
      CniPlugin.Run add = CniPlugin.run("ADD", "c-v" + version.replace(".", ""),
          config(version, "vernet", ""));
      JsonObject ip = add.json().getJsonArray("ips").getJsonObject(0);
      assertThat(add.json().getString("cniVersion")).isEqualTo(version);
      assertThat(ip.getString("version")).isEqualTo(version.startsWith("0.") ? "4" : null);
    }
  }

  @Test
  void gcFreesThisNetworksAttachmentsThatAreNoLongerValid() throws Exception {
    for (String c : List.of("g1", "g2", "g3")) {
      assertThat(CniPlugin.run("ADD", c, config("1.1.0", "gcnet", "")).exit()).isZero();
    }
    assertThat(CniPlugin.run("ADD", "g2", config("1.1.0", "othernet", "")).exit()).isZero();
    String gc = new JsonObject(config("1.1.0", "gcnet", "")).put("cni.dev/valid-attachments",
        new JsonArray().add(new JsonObject().put("containerID", "g1").put("ifname", "eth0")))
        .encode();
    CniPlugin.Run run = CniPlugin.run("GC", null, gc);
    assertThat(run.exit()).as(run.toString()).isZero();
    assertThat(idents()).contains("cni:gcnet:eth0:g1", "cni-gateway:10.32.0.1", "cni:othernet:eth0:g2")
        .doesNotContain("cni:gcnet:eth0:g2", "cni:gcnet:eth0:g3");
    assertThat(CniPlugin.run("GC", null, config("1.0.0", "gcnet", "")).code()).isEqualTo(1);
  }

  @Test
  void versionAndStatus() throws Exception {
    CniPlugin.Run version = CniPlugin.run("VERSION", null, "{\"cniVersion\":\"1.0.0\"}");
    assertThat(version.exit()).isZero();
    assertThat(version.json().getJsonArray("supportedVersions").getList())
        .containsExactly("0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0");
    // A runtime of a version this plugin does not speak still learns which it does.
    CniPlugin.Run older = CniPlugin.run("VERSION", null, "{\"cniVersion\":\"0.2.0\"}");
    assertThat(older.exit()).as(older.toString()).isZero();
    assertThat(older.json().getJsonArray("supportedVersions").getList()).contains("1.1.0");
    CniPlugin.Run status = CniPlugin.run("STATUS", null, config("1.1.0", "statusnet", ""));
    assertThat(status.exit()).as(status.toString()).isZero();
    assertThat(status.stdout()).isEmpty();
  }

  @Test
  void badInputGetsTheSpecifiedCodes() throws Exception {
    assertThat(CniPlugin.run("ADD", "c-bad", "not json").code()).isEqualTo(6);
    CniPlugin.Run bad = CniPlugin.run("ADD", "c-bad", config("1.0.0", "badnet",
        "\"subnet\":\"10.32.0.1/12\""));
    assertThat(bad.code()).isEqualTo(7);
    assertThat(bad.json().getString("msg")).contains("subnet").contains("host bits");
    // An error is written in the version the config asks for, whatever part of it is wrong.
    assertThat(bad.json().getString("cniVersion")).isEqualTo("1.0.0");
    CniPlugin.Run badOld = CniPlugin.run("ADD", "c-bad", config("0.3.1", "badnet",
        "\"subnet\":\"10.40.1.0/33\""));
    assertThat(badOld.code()).isEqualTo(7);
    assertThat(badOld.json().getString("cniVersion")).isEqualTo("0.3.1");
    assertThat(CniPlugin.run("ADD", "c-bad", config("0.2.0", "badnet", "")).code()).isEqualTo(1);
    assertThat(CniPlugin.run("ADD", null, config("1.0.0", "badnet", "")).code()).isEqualTo(4);
    assertThat(CniPlugin.run("FROB", "c-bad", config("1.0.0", "badnet", "")).code())
        .isEqualTo(4);
    assertThat(idents()).noneMatch(i -> i.startsWith("cni:badnet"));
  }

  @Test
  void aSubnetOutsideTheRangeIsInvalidConfigAndLeavesNothing() throws Exception {
    CniPlugin.Run out = CniPlugin.run("ADD", "c-out", config("1.0.0", "outnet",
        "\"subnet\":\"192.168.7.0/24\""));
    assertThat(out.code()).isEqualTo(7);
    assertThat(out.json().getString("details")).contains("out of bounds");
    assertThat(idents()).noneMatch(i -> i.startsWith("cni:outnet") || i.contains("192.168"));
  }

  @Test
  void aFullSubnetAndATakenGatewayAreWeftErrors() throws Exception {
    String small = config("1.0.0", "fullnet", "\"subnet\":\"10.33.0.0/30\"");
    CniPlugin.Run first = CniPlugin.run("ADD", "f1", small);
    assertThat(first.json().getJsonArray("ips").getJsonObject(0).getString("address"))
        .isEqualTo("10.33.0.2/30");
    CniPlugin.Run full = CniPlugin.run("ADD", "f2", small);
    assertThat(full.code()).isEqualTo(100);
    assertThat(full.json().getString("msg")).contains("no free address");
    assertThat(idents()).doesNotContain("cni:fullnet:eth0:f2");

    assertThat(agent.send("PUT", "/ip/someone/10.34.0.1/16").statusCode()).isEqualTo(204);
    CniPlugin.Run taken = CniPlugin.run("ADD", "t1", config("1.0.0", "takennet",
        "\"subnet\":\"10.34.0.0/16\""));
    assertThat(taken.code()).isEqualTo(102);
    assertThat(taken.json().getString("msg")).contains("10.34.0.1");
  }

  @Test
  void anUnreachableAgentIsTryAgainLater() throws Exception {
    String nobody = CniPlugin.config("1.1.0", "gonenet", "127.0.0.1:" + AgentProcess.freePort(),
        "");
    for (String command : List.of("ADD", "DEL")) {
      CniPlugin.Run run = CniPlugin.run(command, "c-gone", nobody);
      assertThat(run.code()).as(command).isEqualTo(11);
      assertThat(run.json().getString("msg")).contains("no weft agent answers");
    }
    assertThat(CniPlugin.run("STATUS", null, nobody).code()).isEqualTo(50);
  }

  @Test
  void withoutARingStatusFailsAndAddTimesOutLeavingNothing() throws Exception {
    try (AgentProcess lonely = new AgentProcess(dir.resolve("lonely"))) {
      lonely.start("--init-peer-count", "2").awaitLive(Duration.ofSeconds(60));
      String net = CniPlugin.config("1.1.0", "waitnet", lonely.httpAddr(),
          "\"timeoutSeconds\":2");
      CniPlugin.Run status = CniPlugin.run("STATUS", null, net);
      assertThat(status.code()).isEqualTo(50);
      assertThat(status.json().getString("msg")).contains("no IP allocation ring");
      CniPlugin.Run add = CniPlugin.run("ADD", "c-wait", net);
      assertThat(add.code()).isEqualTo(11);
      assertThat(add.json().getString("msg")).contains("timeoutSeconds");
      AgentProcess.await(Duration.ofSeconds(30), () -> new JsonObject(lonely.get("/status")
          .body()).getInteger("pendingClaims") == 0, "the abandoned request cancelled");
      assertThat(new JsonObject(lonely.get("/ip").body()).getJsonArray("owned")).isEmpty();
    }
  }

  /**
   * A containerd sandbox ID looks like a Docker container ID; its CNI allocation must survive
   * the watcher's prune, while a plain allocation under that same ID (no such container) is freed.
   */
  @Test
  void theContainerWatcherNeverFreesCniAttachments() throws Exception {
    Engine engine = Engine.fromEnvironment();
    assumeTrue(engine != null, "no container engine (set WEFT_TEST_DOCKER_HOST)");
    String sandbox = Long.toHexString(System.nanoTime()).repeat(8).substring(0, 64);
    AgentProcess watched = new AgentProcess(dir.resolve("watched"));
    watched.start("--docker-host", engine.uri).awaitLive(Duration.ofSeconds(60));
    CniPlugin.Run add = CniPlugin.run("ADD", sandbox, CniPlugin.config("1.0.0", "watchnet",
        watched.httpAddr(), ""));
    String address = add.json().getJsonArray("ips").getJsonObject(0).getString("address");
    assertThat(watched.send("POST", "/ip/" + sandbox).statusCode()).isEqualTo(200);
    watched.kill();
    try (AgentProcess again = watched.sameDataDir()) {
      again.start("--docker-host", engine.uri).awaitLive(Duration.ofSeconds(60));
      AgentProcess.await(Duration.ofSeconds(30), () -> again.get("/ip/" + sandbox).body()
          .isBlank(), "the plain allocation of a container that does not exist pruned");
      assertThat(again.get("/ip/cni:watchnet:eth0:" + sandbox).body().strip())
          .isEqualTo(address);
    }
  }

  @Test
  void thePluginLoadsNoVertxNettyOrHazelcastClass() throws Exception {
    Path classes = dir.resolve("classes.txt");
    CniPlugin.Run add = CniPlugin.run("ADD", "c-classes", config("1.0.0", "classnet", ""),
        "JAVA_TOOL_OPTIONS", "-Xlog:class+load:file=" + classes);
    assertThat(add.exit()).as(add.toString()).isZero();
    List<String> loaded = Files.readAllLines(classes);
    assertThat(loaded).anyMatch(l -> l.contains("io.weft.cni.CniMain"));
    assertThat(loaded).noneMatch(l -> l.contains("io.vertx") || l.contains("io.netty")
        || l.contains("com.hazelcast"));
  }
}
