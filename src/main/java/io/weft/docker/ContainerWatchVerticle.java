package io.weft.docker;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the container engine so that addresses come back when containers go away.
 * It opens {@code /events}, then lists every container and asks IPAM to prune the allocations
 * of containers that no longer exist, then forwards each container event. When the engine is
 * absent, restarts or misbehaves, the watcher says so in {@link DockerStatus} (one log line per
 * change) and tries again after a capped exponential backoff; IPAM keeps serving throughout.
 *
 * <p>Messages to IPAM go to {@link #CONTAINERS} (local only, never bridged) as
 * {@link ContainerReport} values. It answers {@link #ALIVE} requests {@code {"id"}} with
 * {@code {"running": true|false|null}}, and {@link #NETWORKS} requests with the engine's networks
 * as {@code GET /networks/{id}} shows them. Each time it has (re)connected and pruned it publishes
 * {@link #CONNECTED} locally, so that others holding addresses for the engine (the Docker IPAM
 * driver) reconcile too.
 */
public final class ContainerWatchVerticle extends VerticleBase {
  public static final String CONTAINERS = "weft.containers";
  public static final String ALIVE = "weft.docker.alive";
  public static final String NETWORKS = "weft.docker.networks";
  public static final String CONNECTED = "weft.docker.connected";
  private static final Logger LOG = LoggerFactory.getLogger(ContainerWatchVerticle.class);
  private static final int MAX_EVENT_BYTES = 256 * 1024;
  static final long PING_EVERY_MS = 10_000;

  private final String host;
  private final DockerStatus status;
  private final Backoff backoff;
  private DockerApi api;
  /** Bumped when a connection is given up, so late callbacks of the old one do nothing. */
  private long session;
  private HttpClientResponse events;
  private Set<String> createdDuringListing;
  private long retryTimer = -1;
  private long pingTimer = -1;
  private boolean stopping;
  /** The state last logged: one line per change, not one per retry. */
  private DockerStatus.State logged;

  public ContainerWatchVerticle(String host, DockerStatus status) {
    this(host, status, 250, 15_000);
  }

  ContainerWatchVerticle(String host, DockerStatus status, long firstRetryMs, long maxRetryMs) {
    this.host = host;
    this.status = status;
    this.backoff = new Backoff(firstRetryMs, maxRetryMs);
  }

  @Override
  public Future<?> start() {
    api = new DockerApi(vertx, host);
    ContainerReport.registerCodec(vertx);
    var alive = vertx.eventBus().<JsonObject>localConsumer(ALIVE, this::alive);
    var networks = vertx.eventBus().<JsonObject>localConsumer(NETWORKS, m -> api.networks()
        .onSuccess(m::reply).onFailure(e -> m.fail(503, message(e))));
    connect();
    return Future.all(alive.completion(), networks.completion());
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(retryTimer);
    vertx.cancelTimer(pingTimer);
    return api.close();
  }

  private void connect() {
    long mine = ++session;
    createdDuringListing = new HashSet<>();
    api.events()
        .compose(response -> {
          if (mine != session) {
            response.request().reset();
            return Future.failedFuture("superseded");
          }
          follow(mine, response);
          // The stream is open before the listing starts, so a container created meanwhile is
          // seen either in the list or as a 'create' event: prune spares both.
          return api.containerIds();
        })
        .onSuccess(ids -> {
          if (mine == session) {
            prune(ids);
          }
        })
        .onFailure(e -> lost(mine, message(e)));
  }

  private void follow(long mine, HttpClientResponse response) {
    events = response;
    RecordParser lines = RecordParser.newDelimited("\n", line -> {
      if (mine == session) {
        onLine(line.toString().trim());
      }
    }).maxRecordSize(MAX_EVENT_BYTES);
    lines.exceptionHandler(e -> lost(mine, "an event line longer than " + MAX_EVENT_BYTES
        + " bytes: " + e.getMessage()));
    response.handler(lines);
    response.exceptionHandler(e -> lost(mine, "the event stream failed: " + message(e)));
    response.endHandler(v -> lost(mine, "the engine ended the event stream"));
  }

  private void prune(List<String> ids) {
    Set<String> live = new HashSet<>(ids);
    live.addAll(createdDuringListing);
    createdDuringListing = null;
    status.connected(ids.size());
    vertx.eventBus().send(CONTAINERS, new ContainerReport.Prune(live), ContainerReport.LOCAL);
    vertx.eventBus().publish(CONNECTED, new JsonObject());
    backoff.reset();
    if (logged != DockerStatus.State.CONNECTED) {
      logged = DockerStatus.State.CONNECTED;
      LOG.info("watching containers at {}: {} container(s) now", host, ids.size());
    }
    long mine = session;
    pingTimer = vertx.setPeriodic(PING_EVERY_MS, t -> api.ping().onFailure(e ->
        lost(mine, "the engine stopped answering /_ping: " + message(e))));
  }

  private void onLine(String line) {
    long readNanos = System.nanoTime();
    if (line.isEmpty()) {
      return;
    }
    ContainerEvent event;
    try {
      event = ContainerEvent.parse(line).orElse(null);
    } catch (IllegalArgumentException e) {
      LOG.warn("ignored an event from {}: {}", host, e.getMessage());
      return;
    }
    if (event == null) {
      return;
    }
    if (event.kind() == ContainerEvent.Kind.CREATED) {
      if (createdDuringListing != null) {
        createdDuringListing.add(event.id());
      }
      return;
    }
    LOG.debug("container {} {}", event.id(), event.kind());
    vertx.eventBus().send(CONTAINERS, new ContainerReport.Happened(event, readNanos),
        ContainerReport.LOCAL);
  }

  /** Gives up the connection of session {@code mine} and tries again later. */
  private void lost(long mine, String why) {
    if (mine != session || stopping) {
      return;
    }
    session++;
    vertx.cancelTimer(pingTimer);
    if (events != null) {
      events.request().reset();
      events = null;
    }
    status.unavailable(why);
    long delay = backoff.next();
    if (logged != DockerStatus.State.UNAVAILABLE) {
      logged = DockerStatus.State.UNAVAILABLE;
      LOG.warn("container engine at {} unavailable: {}; addresses of removed containers are"
          + " not freed until it answers (retrying with backoff; /status shows the last error)",
          host, why);
    } else {
      LOG.debug("container engine at {} still unavailable: {}", host, why);
    }
    retryTimer = vertx.setTimer(delay, t -> connect());
  }

  private void alive(Message<JsonObject> request) {
    String id = request.body() == null ? null : request.body().getString("id");
    if (id == null || status.state() != DockerStatus.State.CONNECTED) {
      request.reply(new JsonObject().putNull("running"));
      return;
    }
    api.running(id).onComplete(ar -> request.reply(new JsonObject().put("running",
        ar.succeeded() ? ar.result() : null)));
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }
}
