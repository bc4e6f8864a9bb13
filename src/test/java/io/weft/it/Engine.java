package io.weft.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A container engine the tests drive through its Docker Engine API on a unix socket: Podman's
 * compatible API ({@code .ci/podman-service}, exported as {@code WEFT_TEST_DOCKER_HOST}) or the
 * real Docker Engine ({@code .ci/docker-engine}, {@code WEFT_TEST_DOCKERD_HOST}). Plain HTTP/1.0
 * over the socket, one request per connection, so nothing here shares code with the watcher
 * under test.
 */
final class Engine {
  static final String IMAGE = "localhost/busybox";

  /** Which engine; the two name the event of a container gone for good differently. */
  enum Kind {
    PODMAN("remove", "WEFT_TEST_DOCKER_HOST", "WEFT_REQUIRE_DOCKER", ".ci/podman-service"),
    DOCKER("destroy", "WEFT_TEST_DOCKERD_HOST", "WEFT_REQUIRE_DOCKERD", ".ci/docker-engine");

    final String removeAction;
    final String hostVariable;
    final String requireVariable;
    final String script;

    Kind(String removeAction, String hostVariable, String requireVariable, String script) {
      this.removeAction = removeAction;
      this.hostVariable = hostVariable;
      this.requireVariable = requireVariable;
      this.script = script;
    }
  }

  final Kind kind;
  final String uri;
  private final Path socket;

  Engine(Kind kind, String uri) {
    this.kind = kind;
    this.uri = uri;
    this.socket = Path.of(uri.substring("unix://".length()));
  }

  /** Podman's engine of this test run, or null when none was started (developer machines). */
  static Engine fromEnvironment() {
    return fromEnvironment(Kind.PODMAN);
  }

  /**
   * The engine of this kind that CI started, or null when none was (developer machines): then
   * its tests are skipped, unless the kind's WEFT_REQUIRE_… variable says CI started one.
   */
  static Engine fromEnvironment(Kind kind) {
    String uri = System.getenv(kind.hostVariable);
    if (uri == null || uri.isBlank()) {
      if (System.getenv(kind.requireVariable) != null) {
        throw new AssertionError(kind.requireVariable + " is set but " + kind.hostVariable
            + " is not (source " + kind.script + ")");
      }
      return null;
    }
    Engine engine = new Engine(kind, uri);
    if (!Files.exists(engine.socket)) {
      throw new AssertionError(kind.hostVariable + "=" + uri + " but there is no socket");
    }
    return engine;
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Creates a container (no network) running {@code sh -c script}; returns its full ID. */
  String create(String script) {
    JsonObject spec = new JsonObject().put("Image", IMAGE)
        .put("Cmd", new JsonArray().add("sh").add("-c").add(script))
        .put("Labels", new JsonObject().put("weft.test", "1"))
        .put("HostConfig", new JsonObject().put("NetworkMode", "none"));
    return new JsonObject(call("POST", "/containers/create", spec.encode(), 201)).getString("Id");
  }

  /** True when the engine answers {@code GET /_ping}; false while it is down. */
  boolean answers() {
    try {
      call("GET", "/_ping", null, 200);
      return true;
    } catch (UncheckedIOException | AssertionError down) {
      return false;
    }
  }

  void start(String id) {
    call("POST", "/containers/" + id + "/start", null, 204);
  }

  /** Blocks until the container exits; returns its exit code. */
  int await(String id) {
    return new JsonObject(call("POST", "/containers/" + id + "/wait", null, 200))
        .getInteger("StatusCode");
  }

  void kill(String id) {
    call("POST", "/containers/" + id + "/kill", null, 204);
  }

  void remove(String id) {
    call("DELETE", "/containers/" + id + "?force=true", null, 204);
  }

  boolean running(String id) {
    return new JsonObject(call("GET", "/containers/" + id + "/json", null, 200))
        .getJsonObject("State").getBoolean("Running");
  }

  /**
   * Follows {@code /events} on a thread of its own and records when each "action id" line
   * arrived (System.nanoTime), to tell the engine's delay from weft's. Close to stop.
   */
  AutoCloseable follow(java.util.Map<String, Long> arrivals) throws IOException {
    SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    channel.write(ByteBuffer.wrap(("GET /events HTTP/1.0\r\nHost: docker\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII)));
    Thread reader = new Thread(() -> {
      try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(
          java.nio.channels.Channels.newInputStream(channel), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null;) {
          if (line.startsWith("{")) {
            JsonObject event = new JsonObject(line);
            arrivals.put(event.getString("Action") + " " + event.getString("id"),
                System.nanoTime());
          }
        }
      } catch (IOException | RuntimeException closed) {
        // the test is over
      }
    }, "engine-events");
    reader.setDaemon(true);
    reader.start();
    return channel::close;
  }

  private String call(String method, String path, String json, int expected) {
    byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
    String head = method + " " + path + " HTTP/1.0\r\nHost: docker\r\n"
        + (json == null ? "" : "Content-Type: application/json\r\n")
        + "Content-Length: " + body.length + "\r\n\r\n";
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
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
        throw new AssertionError(method + " " + path + " answered " + status + ": " + content);
      }
      return content;
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + path, e);
    }
  }
}
