package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents as hosts in their own network namespaces on one bridge (10.200.0.0/24, made by the test
 * and deleted after it). A host is cut off by taking its bridge port down ({@link #cut}): no
 * resets, packets just vanish. Needs root and iproute2; a test is skipped, with the reason,
 * elsewhere.
 */
abstract class NetnsHosts {
  final int HOSTS;
  final String prefix = "wf" + Long.toHexString(System.nanoTime() & 0xffff);
  final List<Process> agents = new ArrayList<>();
  @TempDir Path dir;

  String host(int i) {
    return prefix + "h" + i;
  }

  String bridgeNs() {
    return prefix + "br";
  }

  static String ip(int i) {
    return "10.200.0." + i;
  }

  static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }

  static String output(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  void network() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
        "iproute2 (ip) is not installed: skipping the partition test");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
    assumeTrue(run("ip", "netns", "add", bridgeNs()) == 0,
        "network namespaces are not available here (not root?): skipping the partition test");
    run("ip", "netns", "exec", bridgeNs(), "ip", "link", "add", "br0", "type", "bridge");
    run("ip", "netns", "exec", bridgeNs(), "ip", "link", "set", "br0", "up");
    for (int i = 1; i <= HOSTS; i++) {
      run("ip", "netns", "add", host(i));
      run("ip", "link", "add", prefix + "e" + i, "netns", host(i), "type", "veth", "peer",
          "name", prefix + "b" + i, "netns", bridgeNs());
      run("ip", "netns", "exec", bridgeNs(), "ip", "link", "set", prefix + "b" + i, "master",
          "br0");
      run("ip", "netns", "exec", bridgeNs(), "ip", "link", "set", prefix + "b" + i, "up");
      run("ip", "netns", "exec", host(i), "ip", "link", "set", "lo", "up");
      run("ip", "netns", "exec", host(i), "ip", "addr", "add", ip(i) + "/24", "dev",
          prefix + "e" + i);
      assertThat(run("ip", "netns", "exec", host(i), "ip", "link", "set", prefix + "e" + i, "up"))
          .isZero();
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : agents) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    for (int i = 1; i <= HOSTS; i++) {
      run("ip", "netns", "del", host(i));
    }
    run("ip", "netns", "del", bridgeNs());
  }

  NetnsHosts(int hosts) {
    this.HOSTS = hosts;
  }

  /** Takes host {@code i}'s bridge port down ({@code false}) or up again. */
  void link(int i, boolean up) throws Exception {
    run("ip", "netns", "exec", bridgeNs(), "ip", "link", "set", prefix + "b" + i,
        up ? "up" : "down");
  }

  /** Starts {@code weft launch} in host {@code i}'s namespace, naming every other host. */
  void launchIn(int i, String... extra) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", host(i), "java", "-jar",
        AgentProcess.jar().toString(), "launch", "--data-dir", dir.resolve("h" + i).toString(),
        "--nickname", "h" + i, "--cluster-addr", ip(i), "--http-addr", ip(i) + ":6784",
        "--docker-host", "none", "--bridge-addr", "none"));
    command.addAll(List.of(extra));
    for (int j = 1; j <= HOSTS; j++) {
      if (j != i) {
        command.add(ip(j));
      }
    }
    agents.add(new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("h" + i + ".log").toFile()).start());
  }

  String http(int i, String method, String path) throws Exception {
    return output("ip", "netns", "exec", host(i), "curl", "-s", "-m", "10", "-X", method,
        "http://" + ip(i) + ":6784" + path).strip();
  }

  JsonObject status(int i) throws Exception {
    String body = http(i, "GET", "/status");
    return body.startsWith("{") ? new JsonObject(body) : new JsonObject();
  }

  int reachable(int i) throws Exception {
    int count = 0;
    for (Object p : status(i).getJsonArray("peers", new JsonArray())) {
      count += ((JsonObject) p).getBoolean("reachable") ? 1 : 0;
    }
    return count;
  }

  void await(Duration timeout, Check check, String what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!check.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(250);
    }
  }

  interface Check {
    boolean holds() throws Exception;
  }

  /** Ring entries without the free counts, which are hints and may lag. */
  String ringShape(int i) throws Exception {
    String body = http(i, "GET", "/ring");
    if (!body.startsWith("{")) {
      return "none:" + i;
    }
    JsonArray entries = new JsonObject(body).getJsonObject("ring").getJsonArray("entries");
    StringBuilder shape = new StringBuilder();
    for (Object e : entries) {
      JsonArray entry = (JsonArray) e;
      shape.append(entry.getLong(0)).append(entry.getString(1)).append(entry.getLong(2))
          .append(';');
    }
    return shape.toString();
  }

  /** Fails if any address is held by two allocations on any host; returns the count held. */
  int addressesHeldOnce() throws Exception {
    java.util.Map<String, String> holder = new java.util.HashMap<>();
    for (int i = 1; i <= HOSTS; i++) {
      JsonArray owned = new JsonObject(http(i, "GET", "/ip")).getJsonArray("owned");
      for (Object o : owned) {
        JsonObject entry = (JsonObject) o;
        for (Object a : entry.getJsonArray("addrs")) {
          String previous = holder.put(a.toString(), "h" + i + ":" + entry.getString("containerid"));
          assertThat(previous).as("address %s held twice", a).isNull();
        }
      }
    }
    return holder.size();
  }
}
