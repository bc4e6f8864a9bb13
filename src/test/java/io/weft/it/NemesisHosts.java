package io.weft.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The nemesis's hosts: agents in their own network namespaces on one bridge (10.211.N.0/24, N
 * picked per run so that two runs on one machine do not route over each other's link), plus
 * a link from the test's own namespace so that clients reach every agent whatever the cuts
 * between agents. Cuts are iptables DROP rules inside the hosts (packets vanish); pauses are
 * SIGSTOP/SIGCONT; kills are SIGKILL. Needs root, iproute2 and iptables.
 */
final class NemesisHosts implements AutoCloseable {
  final int count;
  final Path dir;
  final String prefix = "nm" + Long.toHexString(System.nanoTime() & 0xffff);
  final String cluster = "nemesis-" + Long.toHexString(System.nanoTime());
  private final Process[] agents;
  private final int[] generation;
  private final boolean[] killedByUs;
  final List<String> unexpectedExits = new ArrayList<>();
  private final List<Path> mounts = new ArrayList<>();
  private final String hook;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(3)).build();

  NemesisHosts(int count, Path dir, String hook) {
    this.count = count;
    this.dir = dir;
    this.hook = hook;
    this.agents = new Process[count + 1];
    this.generation = new int[count + 1];
    this.killedByUs = new boolean[count + 1];
  }

  private final int subnet = 1 + (int) (System.nanoTime() % 250);

  String ip(int i) {
    return "10.211." + subnet + "." + i;
  }

  String host(int i) {
    return prefix + "h" + i;
  }

  private String bridgeNs() {
    return prefix + "br";
  }

  static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }

  private void must(String... command) throws IOException, InterruptedException {
    if (run(command) != 0) {
      throw new AssertionError("failed: " + String.join(" ", command));
    }
  }

  void network() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/sbin/iptables")),
        "iptables is not installed: skipping the nemesis");
    assumeTrue(run("ip", "netns", "add", bridgeNs()) == 0,
        "network namespaces are not available here (not root?): skipping the nemesis");
    String br = bridgeNs();
    must("ip", "netns", "exec", br, "ip", "link", "add", "br0", "type", "bridge");
    must("ip", "netns", "exec", br, "ip", "link", "set", "br0", "up");
    for (int i = 1; i <= count; i++) {
      must("ip", "netns", "add", host(i));
      must("ip", "link", "add", prefix + "e" + i, "netns", host(i), "type", "veth", "peer",
          "name", prefix + "b" + i, "netns", br);
      must("ip", "netns", "exec", br, "ip", "link", "set", prefix + "b" + i, "master", "br0");
      must("ip", "netns", "exec", br, "ip", "link", "set", prefix + "b" + i, "up");
      must("ip", "netns", "exec", host(i), "ip", "link", "set", "lo", "up");
      must("ip", "netns", "exec", host(i), "ip", "addr", "add", ip(i) + "/24", "dev",
          prefix + "e" + i);
      must("ip", "netns", "exec", host(i), "ip", "link", "set", prefix + "e" + i, "up");
    }
    // The clients' link, from this namespace onto the same bridge.
    must("ip", "link", "add", prefix + "c", "type", "veth", "peer", "name", prefix + "cb", "netns",
        br);
    must("ip", "netns", "exec", br, "ip", "link", "set", prefix + "cb", "master", "br0");
    must("ip", "netns", "exec", br, "ip", "link", "set", prefix + "cb", "up");
    must("ip", "addr", "add", ip(254) + "/24", "dev", prefix + "c");
    must("ip", "link", "set", prefix + "c", "up");
  }

  Path dataDir(int i) {
    return dir.resolve("h" + i + (generation[i] == 0 ? "" : "-disk" + generation[i]));
  }

  Path log(int i) {
    return dir.resolve("h" + i + ".log");
  }

  /** Starts host {@code i}'s agent on its current data directory, naming every other host. */
  void start(int i) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", host(i), "java",
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    if (hook != null) {
      command.add("-Dweft.test.hook=" + hook);
    }
    command.addAll(List.of("-jar", AgentProcess.jar().toString(), "launch", "--data-dir",
        dataDir(i).toString(), "--nickname", "h" + i, "--cluster-addr", ip(i), "--http-addr",
        ip(i) + ":6784", "--docker-host", "none", "--bridge-addr", "none", "--docker-plugin",
        "none", "--cluster-name", cluster));
    for (int j = 1; j <= count; j++) {
      if (j != i) {
        command.add(ip(j));
      }
    }
    killedByUs[i] = false;
    agents[i] = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log(i).toFile())).start();
  }

  /**
   * Puts host {@code i}'s data directory on a tmpfs of {@code size} (say {@code 16m}) so that
   * the nemesis can fill it; unmounted by {@link #close}.
   */
  void smallDisk(int i, String size) throws IOException, InterruptedException {
    Files.createDirectories(dataDir(i));
    must("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dataDir(i).toString());
    mounts.add(dataDir(i));
  }

  /** kill -9; the exit is ours, not an anomaly. */
  void kill(int i) throws InterruptedException {
    killedByUs[i] = true;
    agents[i].destroyForcibly();
    agents[i].waitFor(10, TimeUnit.SECONDS);
  }

  /** The next start of host {@code i} gets an empty data directory (and so a new peer name). */
  void loseDisk(int i) {
    generation[i]++;
  }

  void signal(int i, String signal) throws IOException, InterruptedException {
    run("kill", "-" + signal, Long.toString(agents[i].pid()));
  }

  /** Drops every packet between hosts {@code a} and {@code b}, both ways. */
  void cut(int a, int b) throws IOException, InterruptedException {
    must("ip", "netns", "exec", host(a), "iptables", "-A", "INPUT", "-s", ip(b), "-j", "DROP");
    must("ip", "netns", "exec", host(b), "iptables", "-A", "INPUT", "-s", ip(a), "-j", "DROP");
  }

  void healAll() throws IOException, InterruptedException {
    for (int i = 1; i <= count; i++) {
      run("ip", "netns", "exec", host(i), "iptables", "-F", "INPUT");
    }
  }

  /** After the harness gave up mid-fault: every agent running and awake again. */
  void reviveAll() throws IOException, InterruptedException {
    for (int i = 1; i <= count; i++) {
      if (agents[i] != null && agents[i].isAlive()) {
        signal(i, "CONT");
      } else if (agents[i] != null && killedByUs[i]) {
        start(i);
      }
    }
  }

  /** Records agents that exited without us killing them, and starts them again. */
  void noteExits(long atNanos) throws IOException {
    for (int i = 1; i <= count; i++) {
      if (agents[i] != null && !agents[i].isAlive() && !killedByUs[i]) {
        unexpectedExits.add(String.format("h%d exited by itself with %d (noticed at %.1f s)", i,
            agents[i].exitValue(), atNanos / 1e9));
        start(i);
      }
    }
  }

  String base(int i) {
    return "http://" + ip(i) + ":6784";
  }

  HttpResponse<String> http(int i, String method, String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base(i) + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(10))
        .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return new FailedResponse(request, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  JsonObject json(int i, String path) {
    HttpResponse<String> r = http(i, "GET", path);
    return r.statusCode() == 200 && r.body().startsWith("{") ? new JsonObject(r.body())
        : new JsonObject();
  }

  int reachable(int i) {
    int n = 0;
    for (Object p : json(i, "/status").getJsonArray("peers", new JsonArray())) {
      n += ((JsonObject) p).getBoolean("reachable") ? 1 : 0;
    }
    return n;
  }

  String name(int i) {
    return json(i, "/status").getString("name", "?");
  }

  /** Ring entries without their free counts (hints that may lag). */
  String ringShape(int i) {
    JsonObject ring = json(i, "/ring").getJsonObject("ring");
    if (ring == null) {
      return "none:" + i;
    }
    StringBuilder shape = new StringBuilder();
    for (Object e : ring.getJsonArray("entries")) {
      JsonArray entry = (JsonArray) e;
      shape.append(entry.getLong(0)).append(entry.getString(1)).append(entry.getLong(2))
          .append(';');
    }
    return shape.toString();
  }

  Set<String> ringOwners(int i) {
    Set<String> owners = new TreeSet<>();
    JsonObject ring = json(i, "/ring").getJsonObject("ring");
    if (ring != null) {
      ring.getJsonArray("entries").forEach(e -> owners.add(((JsonArray) e).getString(1)));
    }
    return owners;
  }

  String logTail(int i, int lines) {
    try {
      List<String> all = Files.readAllLines(log(i), StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()))
          + (agents[i].isAlive() ? "" : "\n(exited with " + agents[i].exitValue() + ")");
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  /** ERROR lines of every host's log, each prefixed with its host. */
  List<String> errorLines() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      if (Files.exists(log(i))) {
        for (String line : Files.readAllLines(log(i), StandardCharsets.UTF_8)) {
          if (line.contains(" ERROR ")) {
            lines.add("h" + i + ": " + line);
          }
        }
      }
    }
    return lines;
  }

  @Override
  public void close() throws Exception {
    for (int i = 1; i <= count; i++) {
      if (agents[i] != null) {
        run("kill", "-CONT", Long.toString(agents[i].pid()));
        agents[i].destroyForcibly();
        agents[i].waitFor(10, TimeUnit.SECONDS);
      }
      run("ip", "netns", "del", host(i));
    }
    run("ip", "netns", "del", bridgeNs());
    for (Path mount : mounts) {
      run("umount", mount.toString());
    }
  }
}
