package io.weft.docker;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The few Docker Engine API calls weft makes, over a unix socket ({@code unix:///path}) or TCP
 * ({@code tcp://host:port}). Paths are unversioned: Docker and Podman both serve them.
 */
final class DockerApi {
  /** Only container events; the action is not filtered because Podman names {@code die} "died". */
  static final String EVENTS_PATH = "/events?filters="
      + URLEncoder.encode("{\"type\":[\"container\"]}", StandardCharsets.UTF_8);
  private static final long CALL_TIMEOUT_MS = 10_000;
  private static final long CONNECT_TIMEOUT_MS = 5_000;

  private final String uri;
  private final SocketAddress server;
  private final String hostHeader;
  private final HttpClient calls;
  private final HttpClient stream;

  DockerApi(Vertx vertx, String uri) {
    this.uri = uri;
    if (uri.startsWith("tcp://")) {
      String hostPort = uri.substring("tcp://".length());
      int colon = hostPort.lastIndexOf(':');
      server = SocketAddress.inetSocketAddress(Integer.parseInt(hostPort.substring(colon + 1)),
          hostPort.substring(0, colon));
      hostHeader = hostPort;
    } else {
      server = SocketAddress.domainSocketAddress(uri.startsWith("unix://")
          ? uri.substring("unix://".length()) : uri);
      hostHeader = "docker";
    }
    // The event stream keeps its connection for as long as it lasts: give it its own client so
    // it never takes a connection that a quick call needs.
    calls = vertx.createHttpClient();
    stream = vertx.createHttpClient();
  }

  String uri() {
    return uri;
  }

  /** {@code GET /_ping}: succeeds when the engine answers 200. */
  Future<Void> ping() {
    return call(HttpMethod.GET, "/_ping").mapEmpty();
  }

  /** The full IDs of every container the engine knows, running or not. */
  Future<List<String>> containerIds() {
    return call(HttpMethod.GET, "/containers/json?all=1").map(body -> {
      List<String> ids = new ArrayList<>();
      for (Object entry : array(body, "/containers/json")) {
        Object id = entry instanceof JsonObject o ? o.getValue("Id") : null;
        if (!(id instanceof String s) || !ContainerIds.isFullId(s)) {
          throw new IllegalStateException("/containers/json listed a container without a valid"
              + " Id: " + ContainerEvent.abbreviate(String.valueOf(entry)));
        }
        ids.add(s);
      }
      return ids;
    });
  }

  /** Every network with its endpoints: {@code GET /networks}, then each one's inspect JSON. */
  Future<JsonArray> networks() {
    return call(HttpMethod.GET, "/networks").compose(body -> {
      List<Future<JsonObject>> each = new ArrayList<>();
      for (Object entry : array(body, "/networks")) {
        if (entry instanceof JsonObject o && o.getValue("Id") instanceof String id
            && id.matches("[0-9a-zA-Z]{1,128}")) {
          each.add(call(HttpMethod.GET, "/networks/" + id).map(JsonObject::new));
        }
      }
      return Future.all(each).map(all -> new JsonArray(all.list()));
    });
  }

  /**
   * Whether the container runs: true or false, or null when the engine could not say (the caller
   * should then not act on it). A container the engine does not know is not running.
   */
  Future<Boolean> running(String id) {
    return send(HttpMethod.GET, "/containers/" + id + "/json").map(response -> {
      if (response.status() == 404) {
        return false;
      }
      if (response.status() != 200) {
        return null;
      }
      try {
        JsonObject state = new JsonObject(response.body()).getJsonObject("State");
        return state == null ? null : state.getBoolean("Running");
      } catch (DecodeException | ClassCastException e) {
        return null;
      }
    });
  }

  /** Opens {@code /events}; the response streams one JSON object per line until it ends. */
  Future<HttpClientResponse> events() {
    return stream.request(options(HttpMethod.GET, EVENTS_PATH))
        .compose(HttpClientRequest::send)
        .compose(response -> response.statusCode() == 200 ? Future.succeededFuture(response)
            : response.body().transform(ar -> Future.failedFuture(failure(EVENTS_PATH,
                response.statusCode(), ar.succeeded() ? ar.result() : Buffer.buffer()))));
  }

  Future<Void> close() {
    return Future.join(calls.close(), stream.close()).mapEmpty();
  }

  private record Answer(int status, Buffer body) {}

  private Future<Buffer> call(HttpMethod method, String path) {
    return send(method, path).compose(a -> a.status() / 100 == 2 ? Future.succeededFuture(a.body())
        : Future.failedFuture(failure(path, a.status(), a.body())));
  }

  private Future<Answer> send(HttpMethod method, String path) {
    return calls.request(options(method, path).setIdleTimeout(CALL_TIMEOUT_MS))
        .compose(request -> request.send().compose(response -> response.body()
            .map(body -> new Answer(response.statusCode(), body))));
  }

  private RequestOptions options(HttpMethod method, String path) {
    return new RequestOptions().setServer(server).setHost(hostHeader).setMethod(method)
        .setURI(path).setConnectTimeout(CONNECT_TIMEOUT_MS);
  }

  private static JsonArray array(Buffer body, String path) {
    try {
      return new JsonArray(body);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalStateException(path + " did not answer a JSON array: "
          + ContainerEvent.abbreviate(body.toString()));
    }
  }

  /** Docker answers errors as {"message": "..."}; say which call failed and why. */
  private static IllegalStateException failure(String path, int status, Buffer body) {
    String message = body.toString().trim();
    try {
      Object m = new JsonObject(body).getValue("message");
      if (m instanceof String s) {
        message = s;
      }
    } catch (DecodeException | ClassCastException e) {
      // not JSON: keep the text
    }
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    return new IllegalStateException(bare + " answered " + status
        + (message.isEmpty() ? "" : ": " + ContainerEvent.abbreviate(message)));
  }
}
