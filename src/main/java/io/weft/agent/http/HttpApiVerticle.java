package io.weft.agent.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.weft.agent.ipam.IpamApi;
import io.weft.agent.ipam.LocalIpam;
import io.weft.agent.ipam.Tokens;
import io.weft.ipam.Result;
import io.weft.ipam.ResultCode;
import io.weft.net.Cidr;
import io.weft.net.HostPort;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The HTTP API (the README's API reference): Weave-compatible paths, plain-text bodies. Every IPAM
 * request goes to the local IPAM verticle (allocations and frees by a direct call on its context,
 * the rest as {@code weft.ipam} messages); this verticle only translates.
 */
public final class HttpApiVerticle extends VerticleBase {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(
      HttpApiVerticle.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  static final int MAX_BODY_BYTES = 16 * 1024;
  /** Requests that wait (allocate while consensus runs) may take long; the client decides. */
  private static final DeliveryOptions WAITING = new DeliveryOptions().setLocalOnly(true)
      .setSendTimeout(24L * 3600 * 1000);
  private static final DeliveryOptions QUICK = new DeliveryOptions().setLocalOnly(true)
      .setSendTimeout(10_000);

  private final HostPort httpAddr;
  private final Cidr defaultSubnet;
  private final HealthChecks live;
  private final HealthChecks ready;
  private final PrometheusMeterRegistry metrics;
  private final LocalIpam ipam;
  private HttpServer server;

  /**
   * {@code ipam} answers the hot requests (allocate, free, delete) by a direct call on the IPAM
   * verticle's context; everything else goes through {@code weft.ipam} as any local tool's would.
   */
  public HttpApiVerticle(HostPort httpAddr, Cidr defaultSubnet, HealthChecks live,
      HealthChecks ready, PrometheusMeterRegistry metrics, LocalIpam ipam) {
    this.ipam = ipam;
    this.httpAddr = httpAddr;
    this.defaultSubnet = defaultSubnet;
    this.live = live;
    this.ready = ready;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(HttpApiVerticle::limitBody);
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics));
    router.get("/status").handler(ctx -> askJson(ctx, op("status"), QUICK));
    router.get("/status/ipam").handler(ctx -> ask(ctx, op("status-ipam"), QUICK,
        r -> r.getString("text", "")));
    router.get("/status/ring").handler(ctx -> askJson(ctx, op("ring-view"), QUICK));
    router.get("/ipinfo/defaultsubnet").handler(ctx -> ctx.response()
        .putHeader("content-type", TEXT).end(defaultSubnet.toString()));
    // Weave names its range tracker here (weave attach asks whether it is "awsvpc"); a peer
    // without one, as weft always is, answers 200 with an empty body.
    router.get("/ipinfo/tracker").handler(ctx -> ctx.response()
        .putHeader("content-type", TEXT).end(""));
    ipRoutes(router);
    router.get("/ring").handler(ctx -> askJson(ctx, op("ring"), WAITING));
    router.delete("/peer/:name").handler(ctx -> ask(ctx, op("rmpeer")
        .put("peer", ctx.pathParam("name"))
        .put("force", FormValues.isTrue(ctx, "force")), QUICK,
        r -> r.getString("message", "") + "\n")); // Weave's own answer ends with a newline
    router.delete("/peer").handler(ctx -> ask(ctx, op("reset"), QUICK, r -> null));
    io.weft.ui.UiRoutes.mount(vertx, router);
    router.route().failureHandler(this::failed);
    router.errorHandler(400, ctx -> text(ctx, 400, "bad request: the path or a header is not"
        + " valid (percent-encoding must be UTF-8)"));
    router.errorHandler(404, ctx -> text(ctx, 404, "no such path: " + ctx.request().path()
        + " (the README lists the API)"));
    router.errorHandler(405, ctx -> text(ctx, 405, ctx.request().method() + " is not allowed on "
        + ctx.request().path()));
    router.errorHandler(413, ctx -> text(ctx, 413, "only a small form body (check-alive,"
        + " noErrorOnUnknown) is read: at most " + MAX_BODY_BYTES + " bytes are accepted"));
    HostPort at = httpAddr;
    // HTTP/1.1 only, as Weave's API and its clients (curl, the Docker and CNI plugins) speak it.
    // A client that offers an h2c upgrade (Java's HttpClient does by default) is answered in
    // HTTP/1.1: over h2c, vertx-micrometer logs a NullPointerException (onStreamClosed, no
    // request metric) when a stream closes before its request was measured.
    return vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false))
        .requestHandler(router).listen(at.port(), at.host())
        .onSuccess(s -> server = s);
  }

  private void ipRoutes(Router router) {
    router.post("/ip/:id").handler(ctx -> allocate(ctx, null));
    router.post("/ip/:id/:ip/:prefix").handler(ctx -> allocate(ctx, prefixed(ctx)));
    // Weave writes a refused claim as "Unable to claim: <why>"; its clients log that text.
    router.put("/ip/:id/:ip/:prefix").handler(ctx -> send(ctx, waiting(ctx, "claim")
        .put("address", prefixed(ctx)).put("noErrorOnUnknown",
            FormValues.isTrue(ctx, "noErrorOnUnknown")), WAITING,
        reply -> ctx.response().setStatusCode(204).end(), "Unable to claim: "));
    // As Weave's: the addresses in the default subnet; another subnet's are asked for by name.
    router.get("/ip/:id").handler(ctx -> ask(ctx, withId(ctx, "lookup")
        .put("subnet", defaultSubnet.toString()), QUICK, HttpApiVerticle::addresses));
    router.get("/ip/:id/:ip/:prefix").handler(ctx -> ask(ctx, withId(ctx, "lookup")
        .put("subnet", prefixed(ctx)), QUICK, HttpApiVerticle::addresses));
    router.delete("/ip/:id").handler(ctx -> answer(ctx, ipam.delete(ctx.pathParam("id")), null));
    router.delete("/ip/:id/:ip").handler(ctx -> answer(ctx, ipam.free(ctx.pathParam("id"),
        ctx.pathParam("ip")), null));
    router.get("/ip").handler(ctx -> askJson(ctx, op("owned"), QUICK));
  }

  /**
   * Only a small form body is ever read ({@link FormValues}), so a body is kept only up to the
   * limit; and a request is only routed once its body has ended, so that one refused for its size
   * has changed nothing. A declared length over the limit is refused at once; a chunked body is
   * counted as it arrives.
   */
  private static void limitBody(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String declared = request.getHeader("content-length");
    long length = declared == null ? -1 : declared.length() > 9 ? Long.MAX_VALUE
        : Long.parseLong(declared);
    if (length > MAX_BODY_BYTES) {
      ctx.fail(413);
      return;
    }
    boolean hasBody = declared != null ? length > 0
        : "chunked".equalsIgnoreCase(request.getHeader("transfer-encoding"));
    if (!hasBody) {
      ctx.next();
      return;
    }
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (body.length() + chunk.length() > MAX_BODY_BYTES) {
        if (!ctx.failed()) {
          ctx.fail(413);
        }
      } else {
        body.appendBuffer(chunk);
      }
    });
    request.endHandler(v -> {
      if (!ctx.failed()) {
        try {
          FormValues.keep(ctx, body);
        } catch (IllegalArgumentException malformed) {
          ctx.fail(malformed);
          return;
        }
        ctx.next();
      }
    });
    request.resume();
  }

  private static JsonObject op(String name) {
    return new JsonObject().put("op", name);
  }

  private static JsonObject withId(RoutingContext ctx, String name) {
    JsonObject request = op(name).put("id", ctx.pathParam("id"));
    String checkAlive = FormValues.get(ctx, "check-alive");
    return checkAlive == null ? request : request.put("checkAlive", "true".equals(checkAlive));
  }

  /**
   * A request that may wait, with its optional deadline {@code timeout} (seconds, fractions
   * allowed): past it the request is cancelled and answered 503.
   */
  private static JsonObject waiting(RoutingContext ctx, String name) {
    JsonObject request = withId(ctx, name);
    long timeoutMs = timeoutMs(ctx);
    return timeoutMs == 0 ? request : request.put("timeoutMs", timeoutMs);
  }

  /** The request's {@code timeout} in milliseconds, 0 when it has none. */
  private static long timeoutMs(RoutingContext ctx) {
    String timeout = FormValues.get(ctx, "timeout");
    if (timeout == null) {
      return 0;
    }
    double seconds;
    try {
      seconds = Double.parseDouble(timeout);
    } catch (NumberFormatException e) {
      seconds = Double.NaN;
    }
    if (!(seconds > 0) || seconds > 24 * 3600) {
      throw new IllegalArgumentException("timeout must be a number of seconds from 0.001 to 86400,"
          + " not '" + (timeout.length() > 32 ? timeout.substring(0, 32) + "…" : timeout) + "'");
    }
    return Math.max(1, Math.round(seconds * 1000));
  }

  /**
   * {@code POST /ip/{id}[/{ip}/{prefix}]}: a direct call, which may wait; a client that goes
   * away while it waits cancels it.
   */
  private void allocate(RoutingContext ctx, String subnet) {
    String checkAlive = FormValues.get(ctx, "check-alive");
    long timeoutMs = timeoutMs(ctx);
    String token = Tokens.next();
    ctx.response().closeHandler(v -> {
      if (!ctx.response().ended()) {
        ipam.cancel(token);
      }
    });
    answer(ctx, ipam.allocate(ctx.pathParam("id"), subnet, "true".equals(checkAlive), timeoutMs,
        token), Result::value);
  }

  /** Answers {@code result} rendered as plain text, as {@link #ask} does a reply. */
  private static void answer(RoutingContext ctx, Future<Result> result,
      Function<Result, String> render) {
    result.onSuccess(r -> {
      String body = render == null ? null : render.apply(r);
      if (body == null) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.response().putHeader("content-type", TEXT).end(body);
      }
    }).onFailure(failure -> fail(ctx, failure, ""));
  }

  private static String prefixed(RoutingContext ctx) {
    return ctx.pathParam("ip") + "/" + ctx.pathParam("prefix");
  }

  private static String addresses(JsonObject reply) {
    return String.join(" ", reply.getJsonArray("addresses").getList());
  }

  /**
   * Sends a request to the IPAM owner and answers with {@code render(reply)} as plain text: 200
   * with exactly that text (no newline added: Weave's clients parse it without trimming), or 204
   * when it is null. A failure answers its code with its message.
   */
  private void ask(RoutingContext ctx, JsonObject request, DeliveryOptions delivery,
      Function<JsonObject, String> render) {
    send(ctx, request, delivery, reply -> {
      String body = render.apply(reply);
      if (body == null) {
        ctx.response().setStatusCode(204).end();
      } else {
        ctx.response().putHeader("content-type", TEXT).end(body);
      }
    });
  }

  /** As {@link #ask}, answering the reply itself as JSON. */
  private void askJson(RoutingContext ctx, JsonObject request, DeliveryOptions delivery) {
    send(ctx, request, delivery, reply -> ctx.response()
        .putHeader("content-type", "application/json").end(reply.encodePrettily()));
  }

  /**
   * Sends a request to the IPAM owner and hands its reply to {@code answer}; a failure answers
   * its code with its message. A client that goes away while the request waits cancels it.
   */
  private void send(RoutingContext ctx, JsonObject request, DeliveryOptions delivery,
      Consumer<JsonObject> answer) {
    send(ctx, request, delivery, answer, "");
  }

  /**
   * As above; a refusal of the request itself (400 or 409: bad input, a conflict) is answered
   * with its message after {@code refusalPrefix}.
   */
  private void send(RoutingContext ctx, JsonObject request, DeliveryOptions delivery,
      Consumer<JsonObject> answer, String refusalPrefix) {
    if (delivery == WAITING) {
      String token = Tokens.next();
      request.put("token", token);
      ctx.response().closeHandler(v -> {
        if (!ctx.response().ended()) {
          vertx.eventBus().send(IpamApi.ADDRESS, op("cancel").put("token", token), QUICK);
        }
      });
    }
    vertx.eventBus().<JsonObject>request(IpamApi.ADDRESS, request, delivery)
        .onSuccess(reply -> answer.accept(reply.body()))
        .onFailure(failure -> fail(ctx, failure, refusalPrefix));
  }

  private static void fail(RoutingContext ctx, Throwable failure, String refusalPrefix) {
    if (ctx.response().closed() || ctx.response().ended()) {
      return;
    }
    int status = 500;
    String message = failure.getMessage();
    if (failure instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        // Weave answers "nothing to free" with 400 on HTTP; the event bus says 404.
        status = reply.failureCode() == ResultCode.NOT_FOUND.code() ? 400 : reply.failureCode();
      } else {
        status = 503;
        message = "the address allocator is not answering (" + reply.failureType()
            + "); the agent may be starting or stopping: try again";
      }
    }
    if (status == 400 || status == 409) {
      message = refusalPrefix + message;
    }
    text(ctx, status < 400 || status > 599 ? 500 : status, message);
  }

  /**
   * A request that broke while it was read (a malformed chunked body, a reset) is the client's
   * fault: 400 when an answer can still be sent. Anything else is a bug worth an error line.
   */
  private void failed(RoutingContext ctx) {
    Throwable t = ctx.failure();
    if (t == null) {
      ctx.next(); // a status code: the error handlers answer it
      return;
    }
    if (ctx.response().ended() || ctx.response().closed()) {
      return;
    }
    if (t instanceof IllegalArgumentException || t instanceof io.netty.handler.codec.DecoderException
        || t instanceof java.io.IOException) {
      LOG.debug("malformed request {} {}: {}", ctx.request().method(), ctx.request().path(),
          t.toString());
      text(ctx, 400, "malformed request: " + t.getMessage());
    } else {
      LOG.error("failed to answer {} {}", ctx.request().method(), ctx.request().path(), t);
      text(ctx, 500, "internal error: " + t + " (please report it with the agent's log)");
    }
  }

  private static void text(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader("content-type", TEXT).end(body + "\n");
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
