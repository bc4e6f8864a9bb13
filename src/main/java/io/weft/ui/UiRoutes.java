package io.weft.ui;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.weft.agent.ipam.IpamApi;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Mounts the ring view on the HTTP API's router: {@code GET /ui} (the page),
 * {@code GET /ui/*} (its script and style, served from the jar) and {@code GET /ui/events} (this
 * agent's events on {@code weft.events} as server-sent events). The page reads {@code /status}
 * and {@code /status/ring} like any other client; nothing here can change state.
 */
public final class UiRoutes {
  /** Events kept for a page that opens (or reconnects) after they happened. */
  static final int KEEP_EVENTS = 100;
  /** Open event streams per agent; a page beyond them gets 503 and keeps polling status. */
  static final int MAX_STREAMS = 32;
  private static final long KEEP_ALIVE_MS = 15_000;
  /** Sent with every page and asset: nothing from elsewhere, no framing by other sites. */
  private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none';"
      + " frame-ancestors 'none'";

  private final Vertx vertx;
  private final EventFeed feed = new EventFeed(KEEP_EVENTS);
  /**
   * Event numbers restart with the agent: a page that reconnects with a number from an earlier
   * run must get every kept event, not only those numbered after it.
   */
  private final String run = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);

  private UiRoutes(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * Adds the routes to {@code router} and starts keeping this agent's events. Call it from the
   * HTTP verticle's start, before the router's failure handlers.
   */
  public static void mount(Vertx vertx, Router router) {
    UiRoutes ui = new UiRoutes(vertx);
    vertx.eventBus().<Object>localConsumer(IpamApi.EVENTS, m -> {
      if (m.body() instanceof JsonObject event) {
        ui.feed.add(event, System.currentTimeMillis());
      }
    });
    router.route("/ui*").handler(UiRoutes::protect);
    router.get("/ui").handler(ctx -> ctx.reroute("/ui/index.html"));
    router.get("/ui/events").handler(ui::stream);
    router.get("/ui/*").handler(StaticHandler.create("ui").setCachingEnabled(false)
        .setDirectoryListing(false).setIncludeHidden(false));
  }

  private static void protect(RoutingContext ctx) {
    ctx.response().putHeader("content-security-policy", POLICY)
        .putHeader("x-content-type-options", "nosniff")
        .putHeader("referrer-policy", "no-referrer")
        .putHeader("cache-control", "no-cache");
    ctx.next();
  }

  /** One page's event stream: the kept events it has not seen, then each new one. */
  private void stream(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (feed.subscribers() >= MAX_STREAMS) {
      response.setStatusCode(503).putHeader("content-type", "text/plain; charset=utf-8")
          .end(MAX_STREAMS + " ring views are already open on this agent; close one and"
              + " reload\n");
      return;
    }
    response.setChunked(true)
        .putHeader("content-type", "text/event-stream; charset=utf-8")
        .putHeader("x-accel-buffering", "no");
    // The browser reconnects by itself after 2 s when the agent restarts or the network breaks.
    response.write("retry: 2000\n\n");
    feed.after(lastSeen(ctx.request().getHeader("last-event-id"))).forEach(e -> send(response, e));
    Consumer<EventFeed.Stamped> subscriber = e -> {
      if (response.writeQueueFull()) {
        // A page that does not read is dropped rather than buffered; it reconnects and catches up.
        response.reset();
      } else {
        send(response, e);
      }
    };
    feed.subscribe(subscriber);
    long keepAlive = vertx.setPeriodic(KEEP_ALIVE_MS, t -> response.write(": keep-alive\n\n"));
    response.closeHandler(v -> {
      feed.unsubscribe(subscriber);
      vertx.cancelTimer(keepAlive);
    });
  }

  private void send(HttpServerResponse response, EventFeed.Stamped e) {
    response.write("id: " + run + "-" + e.seq() + "\ndata: " + e.json().encode() + "\n\n");
  }

  /** The number in a {@code Last-Event-ID} of this run, or 0 (send everything kept). */
  long lastSeen(String lastEventId) {
    if (lastEventId == null || !lastEventId.startsWith(run + "-")) {
      return 0;
    }
    try {
      return Long.parseLong(lastEventId.substring(run.length() + 1));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
