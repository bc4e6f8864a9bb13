package io.weft.it;

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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real agent: {@code java -jar target/weft.jar launch} as its own process on loopback, with
 * its own ports, data directory and log file. Every agent of one test run shares a cluster name
 * that no other run uses.
 */
final class AgentProcess implements AutoCloseable {
  static final String CLUSTER = "it-" + Long.toHexString(System.nanoTime());
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  final int httpPort;
  final int clusterPort;
  final int busPort;
  final Path dataDir;
  final Path log;
  private Process process;
  private final List<String> jvmOptions = new ArrayList<>();

  /** The ports of an agent, reserved before it starts so that peers can name each other. */
  AgentProcess(Path dataDir) throws IOException {
    this(dataDir, freePort(), freePort(), freePort());
  }

  private AgentProcess(Path dataDir, int httpPort, int clusterPort, int busPort) {
    this.httpPort = httpPort;
    this.clusterPort = clusterPort;
    this.busPort = busPort;
    this.dataDir = dataDir;
    this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
  }

  /** The same host again after a crash: same ports, same data directory, same log. */
  AgentProcess sameDataDir() {
    return new AgentProcess(dataDir, httpPort, clusterPort, busPort);
  }

  static Path jar() {
    return Path.of(System.getProperty("weft.jar", "target/weft.jar")).toAbsolutePath();
  }

  /** A free port for an agent to bind; see {@link io.weft.testing.FreePorts}. */
  static int freePort() throws IOException {
    return io.weft.testing.FreePorts.next();
  }

  String clusterAddr() {
    return "127.0.0.1:" + clusterPort;
  }

  String httpAddr() {
    return "127.0.0.1:" + httpPort;
  }

  /** Adds a JVM option (before {@code -jar}) to the next {@link #start}. */
  AgentProcess jvm(String option) {
    jvmOptions.add(option);
    return this;
  }

  /** Starts {@code weft launch} with this agent's ports plus {@code args} (flags and PEERs). */
  AgentProcess start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("java", "-jar", jar().toString(), "launch",
        "--data-dir", dataDir.toString(), "--http-addr", httpAddr(),
        "--cluster-addr", clusterAddr(), "--bus-port", Integer.toString(busPort),
        "--cluster-name", CLUSTER));
    command.addAll(List.of(args));
    if (!command.contains("--docker-plugin")) {
      command.addAll(4, List.of("--docker-plugin", "none"));
    }
    if (!command.contains("--docker-host")) {
      command.addAll(4, List.of("--docker-host", "none"));
    }
    if (!command.contains("--bridge-addr")) {
      command.addAll(4, List.of("--bridge-addr", "none"));
    }
    if (!command.contains("--nickname")) {
      command.addAll(4, List.of("--nickname", dataDir.getFileName().toString()));
    }
    command.addAll(1, jvmOptions);
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    return this;
  }

  /** Waits until /health/live answers 200; fails with the log if the process dies first. */
  AgentProcess awaitLive(Duration timeout) {
    await(timeout, () -> {
      if (!process.isAlive()) {
        throw new AssertionError("agent exited with " + process.exitValue() + ":\n" + log());
      }
      return get("/health/live").statusCode() == 200;
    }, "agent live");
    // The port was free when reserved; make sure the agent answering is this one.
    String dataFile = status().getString("dataFile", "");
    if (!dataFile.startsWith(dataDir.toString())) {
      throw new AssertionError("another process answers on " + httpAddr() + " (its data file is "
          + dataFile + "); this agent's log:\n" + log());
    }
    return this;
  }

  HttpResponse<String> get(String path) {
    return send("GET", path);
  }

  HttpResponse<String> send(String method, String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + httpAddr() + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30))
        .build();
    return send(request);
  }

  /** Sends {@code request}; a connection failure is a {@link FailedResponse}, not an exception. */
  static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return new FailedResponse(request, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  JsonObject status() {
    HttpResponse<String> response = get("/status");
    if (response.statusCode() != 200) {
      throw new AssertionError("GET /status answered " + response.statusCode() + ": "
          + response.body());
    }
    return new JsonObject(response.body());
  }

  /** How many peers this agent's status shows as reachable, itself included. */
  int reachable() {
    int count = 0;
    io.vertx.core.json.JsonArray peers = status().getJsonArray("peers");
    for (int i = 0; i < peers.size(); i++) {
      count += peers.getJsonObject(i).getBoolean("reachable") ? 1 : 0;
    }
    return count;
  }

  /**
   * Starts agents that name each other as PEERs (plus {@code extra} flags) and waits until each
   * reaches all.
   */
  static void startAll(List<AgentProcess> agents, String... extra) throws IOException {
    for (AgentProcess a : agents) {
      List<String> args = new ArrayList<>(List.of(extra));
      agents.stream().filter(o -> o != a).forEach(o -> args.add(o.clusterAddr()));
      a.start(args.toArray(String[]::new));
    }
    for (AgentProcess a : agents) {
      a.awaitLive(Duration.ofSeconds(60));
    }
    await(Duration.ofSeconds(45), () -> agents.stream().allMatch(a -> a.reachable()
        == agents.size()), agents.size() + " peers reachable everywhere");
  }

  long pid() {
    return process.pid();
  }

  /** Sends a signal by name ({@code STOP}, {@code CONT}) to the agent's process. */
  void signal(String name) throws IOException, InterruptedException {
    int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO()
        .start().waitFor();
    if (exit != 0) {
      throw new AssertionError("kill -" + name + " " + process.pid() + " exited with " + exit);
    }
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** SIGTERM, then the exit code (or -1 if it did not exit in time). */
  int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** Exit code once the process exits by itself, or -1 after the timeout. */
  int awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  String log() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  static void await(Duration timeout, BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
