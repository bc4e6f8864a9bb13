package io.weft.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.testing.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * How long an address stays taken after its container is removed, end to end: from the moment
 * the client sends the engine the removal ({@code DELETE /containers/ID?force=true}, what
 * {@code docker rm -f} sends) until weft's HTTP API no longer shows the address. Three paths, each
 * against a warm agent started from {@code target/weft.jar}:
 * <ul>
 *   <li>Docker, watcher: an address allocated over HTTP for an exited container's ID, freed when
 *       the agent reads the engine's {@code destroy} event;</li>
 *   <li>Docker, driver: a container running on a {@code --ipam-driver} network of the agent's
 *       driver, freed when dockerd calls {@code ReleaseAddress} while it removes the endpoint;</li>
 *   <li>Podman, watcher (if Podman's API runs too): as the first, freed at its {@code remove}
 *       event, for comparison.</li>
 * </ul>
 * Needs the engines of {@code .ci/docker-engine} (and {@code .ci/podman-service}) and root (the
 * driver's socket is in /run/docker/plugins). Build first ({@code mvn -q package -DskipTests}),
 * then: {@code mvn -q -Pbench test-compile exec:exec -Dbench.main=io.weft.bench.DockerReleaseBench
 * -Djmh.args=50}.
 */
public final class DockerReleaseBench {
  private static final String IMAGE = "localhost/busybox";
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    String dockerd = System.getenv("WEFT_TEST_DOCKERD_HOST");
    if (dockerd == null) {
      throw new IllegalStateException("WEFT_TEST_DOCKERD_HOST is not set: source"
          + " .ci/docker-engine first (as root)");
    }
    String podman = System.getenv("WEFT_TEST_DOCKER_HOST");
    System.out.printf("load average before: %s%n", BenchFiles.loadAverage());
    try (Agent agent = new Agent(dockerd, "weftbench")) {
      Engine docker = new Engine(dockerd);
      long[][] watcher = watcherPath(agent, docker, rounds);
      report("Docker, watcher (destroy event): rm -> free", watcher[0]);
      report("Docker, watcher: the DELETE call itself   ", watcher[1]);
      report("Docker, watcher: DELETE answered -> free  ", watcher[2]);
      long[][] driver = driverPath(agent, docker, rounds);
      report("Docker, driver (ReleaseAddress): rm -f -> free", driver[0]);
      report("Docker, driver: the DELETE call itself      ", driver[1]);
      report("Docker, driver: DELETE answered -> free     ", driver[2]);
    }
    if (podman != null) {
      try (Agent agent = new Agent(podman, null)) {
        long[][] watcher = watcherPath(agent, new Engine(podman), rounds);
        report("Podman, watcher (remove event): rm -> free", watcher[0]);
        report("Podman, watcher: the DELETE call itself  ", watcher[1]);
        report("Podman, watcher: DELETE answered -> free ", watcher[2]);
      }
    }
    System.out.printf("load average after: %s%n", BenchFiles.loadAverage());
  }

  /**
   * End to end, the DELETE call, and from its answer to the free (µs), of exited containers
   * whose IDs hold addresses.
   */
  private static long[][] watcherPath(Agent agent, Engine engine, int rounds) throws Exception {
    long[][] times = new long[3][rounds];
    for (int i = -5; i < rounds; i++) { // five rounds of warm-up
      String id = engine.create(new JsonObject().put("NetworkMode", "none"), "true");
      engine.call("POST", "/containers/" + id + "/start", null, 204);
      engine.call("POST", "/containers/" + id + "/wait", null, 200);
      agent.call("POST", "/ip/" + id, 200);
      long start = System.nanoTime();
      engine.call("DELETE", "/containers/" + id + "?force=true", null, 204);
      long deleted = System.nanoTime();
      await(() -> agent.call("GET", "/ip/" + id, 200).isBlank());
      if (i >= 0) {
        long freed = System.nanoTime();
        times[0][i] = (freed - start) / 1000;
        times[1][i] = (deleted - start) / 1000;
        times[2][i] = (freed - deleted) / 1000;
      }
    }
    return times;
  }

  /** The same for running containers on a network of the agent's IPAM driver. */
  private static long[][] driverPath(Agent agent, Engine engine, int rounds) throws Exception {
    String network = "weft-bench-" + Long.toHexString(System.nanoTime());
    String networkId = new JsonObject(engine.call("POST", "/networks/create", new JsonObject()
        .put("Name", network).put("Driver", "bridge").put("IPAM", new JsonObject()
            .put("Driver", agent.driver)).encode(), 201)).getString("Id");
    long[][] times = new long[3][rounds];
    try {
      for (int i = -5; i < rounds; i++) {
        String id = engine.create(new JsonObject().put("NetworkMode", network), "sleep 600");
        engine.call("POST", "/containers/" + id + "/start", null, 204);
        String address = new JsonObject(engine.call("GET", "/containers/" + id + "/json", null,
            200)).getJsonObject("NetworkSettings").getJsonObject("Networks")
            .getJsonObject(network).getString("IPAddress");
        if (!agent.call("GET", "/ip", 200).contains("\"" + address + "/")) {
          throw new IllegalStateException(address + " is not held by the agent");
        }
        long start = System.nanoTime();
        engine.call("DELETE", "/containers/" + id + "?force=true", null, 204);
        long deleted = System.nanoTime();
        await(() -> !agent.call("GET", "/ip", 200).contains("\"" + address + "/"));
        if (i >= 0) {
          long freed = System.nanoTime();
          times[0][i] = (freed - start) / 1000;
          times[1][i] = (deleted - start) / 1000;
          times[2][i] = (freed - deleted) / 1000;
        }
      }
    } finally {
      engine.call("DELETE", "/networks/" + networkId, null, 204);
    }
    return times;
  }

  /** Polls every millisecond, for at most 30 s. */
  private static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("the address was not freed within 30 s");
      }
      Thread.sleep(1);
    }
  }

  private static void report(String what, long[] micros) {
    long[] sorted = micros.clone();
    Arrays.sort(sorted);
    System.out.printf("%s: n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms%n", what,
        sorted.length, at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99),
        sorted[sorted.length - 1] / 1000.0);
  }

  private static double at(long[] sorted, double quantile) {
    int index = (int) Math.ceil(quantile * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1000.0;
  }

  /** An agent from the built jar watching one engine, serving the driver when named. */
  private static final class Agent implements AutoCloseable {
    final String driver;
    private final Path dir;
    private final int http;
    private final Process process;

    Agent(String engine, String driver) throws Exception {
      this.driver = driver;
      dir = Files.createTempDirectory("weft-release-bench");
      http = FreePorts.next();
      process = new ProcessBuilder("java", "-jar", "target/weft.jar", "launch", "--data-dir",
          dir.resolve("data").toString(), "--http-addr", "127.0.0.1:" + http, "--cluster-addr",
          "127.0.0.1:" + FreePorts.next(), "--bus-port", Integer.toString(FreePorts.next()),
          "--bridge-addr", "none", "--docker-host", engine, "--docker-plugin",
          driver == null ? "none" : "/run/docker/plugins/" + driver + ".sock",
          "--cluster-name", "bench-" + System.nanoTime())
          .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()).start();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!ready()) {
        if (System.nanoTime() > end || !process.isAlive()) {
          throw new IllegalStateException("the agent did not get ready: "
              + Files.readString(dir.resolve("agent.log")));
        }
        Thread.sleep(100);
      }
    }

    private boolean ready() {
      try {
        String status = call("GET", "/status", 200);
        String log = Files.readString(dir.resolve("agent.log"));
        return "connected".equals(new JsonObject(status).getString("docker"))
            && call("GET", "/ring", 200) != null
            && (driver == null || log.contains("'" + driver + "' serving"));
      } catch (IOException | RuntimeException e) {
        return false;
      }
    }

    String call(String method, String path, int expected) {
      try {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + http + path)).method(method, HttpRequest.BodyPublishers.noBody())
            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
          throw new IllegalStateException(method + " " + path + " answered " + r.statusCode()
              + ": " + r.body());
        }
        return r.body();
      } catch (IOException e) {
        throw new IllegalStateException(method + " " + path + ": " + e, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void close() throws Exception {
      process.destroy();
      process.waitFor(30, TimeUnit.SECONDS);
      new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
    }
  }

  /** An engine's Docker API over its unix socket: HTTP/1.0, one request per connection. */
  private record Engine(String uri) {
    String create(JsonObject hostConfig, String script) {
      JsonObject spec = new JsonObject().put("Image", IMAGE)
          .put("Cmd", new JsonArray().add("sh").add("-c").add(script))
          .put("Labels", new JsonObject().put("weft.bench", "1")).put("HostConfig", hostConfig);
      return new JsonObject(call("POST", "/containers/create", spec.encode(), 201))
          .getString("Id");
    }

    String call(String method, String path, String json, int expected) {
      byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
      String head = method + " " + path + " HTTP/1.0\r\nHost: docker\r\n"
          + (json == null ? "" : "Content-Type: application/json\r\n")
          + "Content-Length: " + body.length + "\r\n\r\n";
      try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(
          uri.substring("unix://".length())))) {
        channel.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
        channel.write(ByteBuffer.wrap(body));
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer) >= 0) {
          answer.write(buffer.array(), 0, buffer.position());
          buffer.clear();
        }
        String text = answer.toString(StandardCharsets.UTF_8);
        int status = Integer.parseInt(text.substring(9, 12));
        String content = text.substring(text.indexOf("\r\n\r\n") + 4);
        if (status != expected) {
          throw new IllegalStateException(method + " " + path + " answered " + status + ": "
              + content);
        }
        return content;
      } catch (IOException e) {
        throw new IllegalStateException(method + " " + path + ": " + e, e);
      }
    }
  }
}
