package io.weft.docker;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A scripted Docker Engine on a unix socket: the test decides what {@code /containers/json}
 * answers and writes the {@code /events} stream line by line, ends it, or drops the socket.
 */
final class FakeEngine implements AutoCloseable {
  private final Vertx vertx;
  private final Path socket;
  private HttpServer server;
  private final List<HttpServerResponse> streams = new CopyOnWriteArrayList<>();
  private final Map<String, Boolean> running = new ConcurrentHashMap<>();
  private volatile List<String> containers = List.of();
  private volatile int listStatus = 200;
  private volatile String listBody;
  private volatile int eventsStatus = 200;
  volatile int eventRequests;

  FakeEngine(Vertx vertx, Path socket) {
    this.vertx = vertx;
    this.socket = socket;
  }

  String uri() {
    return "unix://" + socket;
  }

  FakeEngine start() throws Exception {
    server = vertx.createHttpServer().requestHandler(this::handle)
        .listen(SocketAddress.domainSocketAddress(socket.toString()))
        .await(10, TimeUnit.SECONDS);
    return this;
  }

  /** Drops the socket and every open connection, as an engine that stops does. */
  void stop() throws Exception {
    streams.clear();
    server.close().await(10, TimeUnit.SECONDS);
  }

  void containers(List<String> ids) {
    containers = List.copyOf(ids);
    listStatus = 200;
    listBody = null;
  }

  /** The next listings answer this status and raw body. */
  void listAnswers(int status, String body) {
    listStatus = status;
    listBody = body;
  }

  void eventsAnswer(int status) {
    eventsStatus = status;
  }

  void running(String id, boolean isRunning) {
    running.put(id, isRunning);
  }

  int openStreams() {
    return (int) streams.stream().filter(r -> !r.closed() && !r.ended()).count();
  }

  /** Writes raw text to every open event stream (a line needs its own "\n"). */
  void write(String text) {
    vertx.runOnContext(v -> streams.forEach(r -> {
      if (!r.closed() && !r.ended()) {
        r.write(text);
      }
    }));
  }

  void event(String action, String id) {
    write("{\"status\":\"" + action + "\",\"id\":\"" + id + "\",\"Type\":\"container\","
        + "\"Action\":\"" + action + "\",\"Actor\":{\"ID\":\"" + id + "\",\"Attributes\":"
        + "{\"name\":\"c\"}},\"scope\":\"local\",\"time\":1795596815}\n");
  }

  /** Ends every open event stream cleanly, as an engine restarting does. */
  void endStreams() {
    vertx.runOnContext(v -> streams.forEach(r -> {
      if (!r.ended() && !r.closed()) {
        r.end();
      }
    }));
  }

  private void handle(HttpServerRequest request) {
    String path = request.path();
    HttpServerResponse response = request.response();
    if (path.equals("/_ping")) {
      response.end("OK");
    } else if (path.equals("/events")) {
      eventRequests++;
      if (eventsStatus != 200) {
        response.setStatusCode(eventsStatus).end("{\"message\":\"events are broken today\"}");
        return;
      }
      response.setChunked(true).putHeader("content-type", "application/json").write("");
      streams.add(response);
    } else if (path.equals("/containers/json")) {
      String body = listBody;
      if (body == null) {
        StringBuilder list = new StringBuilder("[");
        for (String id : containers) {
          list.append(list.length() > 1 ? "," : "").append("{\"Id\":\"").append(id)
              .append("\",\"State\":\"running\"}");
        }
        body = list.append(']').toString();
      }
      response.setStatusCode(listStatus).end(body);
    } else if (path.startsWith("/containers/") && path.endsWith("/json")) {
      String id = path.substring("/containers/".length(), path.length() - "/json".length());
      Boolean isRunning = running.get(id);
      if (isRunning == null) {
        response.setStatusCode(404).end("{\"message\":\"no such container\"}");
      } else {
        response.end("{\"Id\":\"" + id + "\",\"State\":{\"Running\":" + isRunning + "}}");
      }
    } else {
      response.setStatusCode(404).end();
    }
  }

  @Override
  public void close() throws Exception {
    if (server != null) {
      server.close().await(10, TimeUnit.SECONDS);
    }
  }
}
