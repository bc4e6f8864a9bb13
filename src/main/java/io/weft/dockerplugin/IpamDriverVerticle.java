package io.weft.dockerplugin;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.weft.agent.ipam.IpamApi;
import io.weft.agent.ipam.Tokens;
import io.weft.docker.ContainerWatchVerticle;
import io.weft.net.Cidr;
import io.weft.net.Ip;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves libnetwork's remote IPAM protocol on a unix socket, asking the local IPAM API
 * ({@link IpamApi#ADDRESS}) for every address. Requests are answered in the order Docker needs
 * them; allocations wait for consensus like any other, but at most {@link #PATIENCE}, well within
 * the 30 s Docker gives a plugin call, and then say why nothing came.
 */
public final class IpamDriverVerticle extends VerticleBase {
  /** The media type Docker's plugin client sends and expects. */
  static final String MEDIA_TYPE = "application/vnd.docker.plugins.v1.2+json";
  static final int MAX_BODY_BYTES = 64 * 1024;
  static final Duration PATIENCE = Duration.ofSeconds(20);
  /** An address younger than this is never reconciled away: its endpoint may not be listed yet. */
  static final Duration RECONCILE_SPARES = Duration.ofSeconds(60);
  private static final Logger LOG = LoggerFactory.getLogger(IpamDriverVerticle.class);
  private static final DeliveryOptions QUICK = new DeliveryOptions().setLocalOnly(true)
      .setSendTimeout(10_000);

  private final Path socket;
  private final Cidr universe;
  private final Cidr defaultSubnet;
  private final Duration patience;
  /** Addresses this agent gave Docker since it started: address to ident and when. */
  private final Map<Long, Given> given = new HashMap<>();
  /** Default-subnet pools Docker holds (made without --subnet) since this agent started. */
  private final Set<PoolId> defaultPools = new HashSet<>();
  private HttpServer server;
  private SocketFile file;

  record Given(DriverIdent ident, long atMillis) {}

  public IpamDriverVerticle(Path socket, Cidr universe, Cidr defaultSubnet) {
    this(socket, universe, defaultSubnet, PATIENCE);
  }

  IpamDriverVerticle(Path socket, Cidr universe, Cidr defaultSubnet, Duration patience) {
    this.socket = socket;
    this.universe = universe;
    this.defaultSubnet = defaultSubnet;
    this.patience = patience;
  }

  /** The name Docker knows this driver by: the socket's file name without {@code .sock}. */
  public static String driverName(Path socket) {
    String file = socket.getFileName().toString();
    return file.endsWith(".sock") ? file.substring(0, file.length() - ".sock".length()) : file;
  }

  @Override
  public Future<?> start() {
    file = new SocketFile(socket);
    var reconcile = vertx.eventBus().<JsonObject>localConsumer(
        ContainerWatchVerticle.CONNECTED, m -> reconcile(true));
    return vertx.executeBlocking(() -> {
      file.prepare();
      return null;
    }).compose(v -> vertx.createHttpServer(new HttpServerOptions().setMaxInitialLineLength(1024)
            .setMaxHeaderSize(8192).setIdleTimeout(120))
        .requestHandler(this::handle)
        .listen(SocketAddress.domainSocketAddress(socket.toString())))
        .compose(s -> {
          server = s;
          LOG.info("Docker IPAM driver '{}' serving {}", driverName(socket), socket);
          return reconcile.completion();
        })
        // The watcher is deployed first and may have connected (and announced it) before this
        // consumer existed: compare once now, so the first connection's reconcile is never lost.
        .onSuccess(v -> reconcile(false));
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.compose(v -> vertx.executeBlocking(() -> {
      file.remove();
      return null;
    }));
  }

  private void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.POST) {
      answer(request, 405, error("only POST is served here (libnetwork's plugin protocol); got "
          + request.method()));
      return;
    }
    String call = request.path().startsWith("/") ? request.path().substring(1) : request.path();
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (body.length() + chunk.length() > MAX_BODY_BYTES) {
        if (!request.response().ended()) {
          // Answered before the body ends: the rest of it is never read, so the connection
          // cannot carry another request.
          request.response().putHeader("connection", "close")
              .endHandler(x -> request.connection().close());
          answer(request, 413, error("the request body is over " + MAX_BODY_BYTES
              + " bytes; IPAM requests are small JSON objects"));
        }
        return;
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(e -> LOG.debug("Docker plugin request {} broke: {}", call,
        e.toString()));
    request.endHandler(v -> {
      if (request.response().ended()) {
        return;
      }
      Future<JsonObject> answer;
      try {
        answer = dispatch(call, body);
      } catch (DriverException e) {
        answer = Future.failedFuture(e);
      }
      answer.onComplete(ar -> {
        if (ar.succeeded()) {
          answer(request, 200, ar.result());
        } else {
          String why = ar.cause() instanceof DriverException ? ar.cause().getMessage()
              : "weft: " + ar.cause();
          LOG.info("Docker IPAM {} refused: {}", call, why);
          answer(request, 500, error(why));
        }
      });
    });
  }

  private Future<JsonObject> dispatch(String call, Buffer raw) {
    return switch (call) {
      case "Plugin.Activate" -> done(new JsonObject()
          .put("Implements", new JsonArray().add("IpamDriver")));
      case "IpamDriver.GetCapabilities" -> done(new JsonObject()
          .put("RequiresMACAddress", false).put("RequiresRequestReplay", false));
      case "IpamDriver.GetDefaultAddressSpaces" -> done(new JsonObject()
          .put("LocalDefaultAddressSpace", "weft-local")
          .put("GlobalDefaultAddressSpace", "weft-global"));
      case "IpamDriver.RequestPool" -> {
        DriverRequests.PoolRequest request = DriverRequests.pool(DriverRequests.body(raw, call),
            universe, defaultSubnet);
        PoolId id = request.id();
        if (request.defaulted()
            && defaultPools.stream().anyMatch(p -> p.pool().equals(id.pool()))) {
          // Docker asks again at once for a pool that overlaps one of its networks, expecting
          // another each time: answering the same one again makes it ask forever.
          // Docker also asks again when the pool overlaps an interface or route of this host,
          // which it will not give a network: the answer names both causes.
          throw new DriverException("the default subnet " + defaultSubnet + " is taken on this"
              + " host: another weft network uses it, or it overlaps an interface or route here"
              + " (see `docker network ls` and `ip route`); give this network its own --subnet"
              + " inside " + universe + " that nothing on this host uses");
        }
        if (request.defaulted()) {
          defaultPools.add(id);
        }
        LOG.debug("Docker IPAM pool {} requested", id);
        yield done(new JsonObject().put("PoolID", id.toString())
            .put("Pool", id.pool().toString()).put("Data", new JsonObject()));
      }
      case "IpamDriver.ReleasePool" -> {
        PoolId released = DriverRequests.releasePool(DriverRequests.body(raw, call));
        defaultPools.remove(released);
        LOG.debug("Docker IPAM pool {} released", released);
        yield done(new JsonObject());
      }
      case "IpamDriver.RequestAddress" ->
          requestAddress(DriverRequests.address(DriverRequests.body(raw, call)));
      case "IpamDriver.ReleaseAddress" ->
          releaseAddress(DriverRequests.release(DriverRequests.body(raw, call)));
      default -> Future.failedFuture(new DriverException("unknown call '"
          + DriverException.abbreviate(call) + "': this is weft's IPAM driver; it serves"
          + " Plugin.Activate and IpamDriver.* (GetCapabilities, GetDefaultAddressSpaces,"
          + " RequestPool, ReleasePool, RequestAddress, ReleaseAddress)"));
    };
  }

  private Future<JsonObject> requestAddress(DriverRequests.AddressRequest request) {
    PoolId pool = request.pool();
    DriverIdent ident = DriverIdent.fresh(request.gateway() ? DriverIdent.Kind.GATEWAY
        : DriverIdent.Kind.ENDPOINT, pool.pool());
    String token = Tokens.next();
    JsonObject ask = new JsonObject().put("id", ident.toString()).put("token", token);
    if (request.address().isPresent()) {
      ask.put("op", "claim").put("address", Ip.format(request.address().getAsLong()) + "/"
          + pool.pool().prefix());
    } else {
      ask.put("op", "allocate").put("subnet", pool.range().toString());
    }
    DeliveryOptions waiting = new DeliveryOptions().setLocalOnly(true)
        .setSendTimeout(patience.toMillis());
    return vertx.eventBus().<JsonObject>request(IpamApi.ADDRESS, ask, waiting)
        .map(reply -> {
          long address = Ip.parse(bare(reply.body().getString("address")));
          given.put(address, new Given(ident, System.currentTimeMillis()));
          String prefixed = Ip.format(address) + "/" + pool.pool().prefix();
          LOG.debug("Docker IPAM {} {} as {}", request.gateway() ? "gateway" : "endpoint",
              prefixed, ident);
          return new JsonObject().put("Address", prefixed).put("Data", new JsonObject());
        })
        .recover(e -> refused(e, request, token));
  }

  private Future<JsonObject> refused(Throwable e, DriverRequests.AddressRequest request,
      String token) {
    String what = request.address().isPresent()
        ? "weft could not give " + Ip.format(request.address().getAsLong())
        : "weft could not allocate an address in " + request.pool().range();
    if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT) {
      vertx.eventBus().send(IpamApi.ADDRESS, new JsonObject().put("op", "cancel")
          .put("token", token), QUICK);
      return vertx.eventBus().<JsonObject>request(IpamApi.ADDRESS,
              new JsonObject().put("op", "status"), QUICK)
          .transform(status -> Future.failedFuture(new DriverException(what + " within "
              + patience.toSeconds() + " s: " + (status.succeeded()
              ? waitingFor(status.result().body()) : "the agent is not answering"))));
    }
    if (e instanceof ReplyException reply
        && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return Future.failedFuture(new DriverException(what + ": " + reply.getMessage()));
    }
    return Future.failedFuture(new DriverException(what + ": the agent's allocator is not"
        + " answering (" + e.getMessage() + "); check `weft status` and try again"));
  }

  private static String waitingFor(JsonObject status) {
    String consensus = String.valueOf(status.getValue("consensus"));
    if (!"achieved".equals(consensus)) {
      return "this agent has no ring yet (consensus " + consensus + ", quorum "
          + status.getValue("quorum") + "): start enough peers for the quorum, see `weft status`";
    }
    return "no free address reached this agent (the range may be full or its owners"
        + " unreachable): see `weft status` and `weft status ipam`";
  }

  private Future<JsonObject> releaseAddress(DriverRequests.AddressRelease release) {
    Given known = given.remove(release.address());
    Future<Optional<DriverIdent>> ident = known != null
        ? Future.succeededFuture(Optional.of(known.ident()))
        : owned().map(owned -> Reconcile.identOf(owned, release.address()));
    String address = Ip.format(release.address());
    return ident.compose(found -> {
      if (found.isEmpty()) {
        LOG.info("Docker released {} of {}, which weft does not hold for Docker: nothing to free",
            address, release.pool());
        return done(new JsonObject());
      }
      return vertx.eventBus().<JsonObject>request(IpamApi.ADDRESS, new JsonObject()
              .put("op", "free").put("id", found.get().toString()).put("address", address), QUICK)
          .map(r -> new JsonObject())
          .recover(e -> e instanceof ReplyException r && r.failureCode() == 404
              ? done(new JsonObject())
              : Future.failedFuture(new DriverException("weft could not free " + address + ": "
                  + e.getMessage() + "; it is freed when the container watcher next reconnects")));
    });
  }

  private Future<JsonArray> owned() {
    return vertx.eventBus().<JsonObject>request(IpamApi.ADDRESS,
        new JsonObject().put("op", "owned"), QUICK).map(r -> r.body().getJsonArray("owned"));
  }

  /**
   * Frees what the driver holds for endpoints Docker no longer lists (removed while this agent
   * was down, so their release never arrived). Runs each time the container watcher connects,
   * and once when the driver starts; that once may find the engine not answering yet, which is
   * no news (the watcher says so, and its connection reconciles), so only the other runs warn.
   */
  private void reconcile(boolean warnOnFailure) {
    long now = System.currentTimeMillis();
    vertx.eventBus().<JsonArray>request(ContainerWatchVerticle.NETWORKS, new JsonObject(), QUICK)
        .compose(networks -> owned().map(owned -> Reconcile.stale(owned,
            Reconcile.live(networks.body(), driverName(socket)),
            address -> recent(address, now))))
        .onSuccess(stale -> stale.forEach((address, ident) -> {
          given.remove(Ip.parse(address));
          LOG.info("freeing {} ({}): Docker lists no endpoint or gateway with it", address,
              ident);
          vertx.eventBus().request(IpamApi.ADDRESS, new JsonObject().put("op", "free")
              .put("id", ident.toString()).put("address", address), QUICK)
              .onFailure(e -> LOG.debug("freeing {} failed: {}", address, e.getMessage()));
        }))
        .onFailure(e -> {
          if (warnOnFailure) {
            LOG.warn("could not compare Docker's networks with weft's addresses: {}; trying"
                + " again when the container watcher next connects", e.getMessage());
          } else {
            LOG.debug("no reconcile at start ({}): it runs when the container watcher connects",
                e.getMessage());
          }
        });
  }

  private boolean recent(long address, long now) {
    Given g = given.get(address);
    return g != null && now - g.atMillis() < RECONCILE_SPARES.toMillis();
  }

  private static String bare(String prefixed) {
    return prefixed.contains("/") ? prefixed.substring(0, prefixed.indexOf('/')) : prefixed;
  }

  private static Future<JsonObject> done(JsonObject answer) {
    return Future.succeededFuture(answer);
  }

  private static JsonObject error(String message) {
    return new JsonObject().put("Err", message);
  }

  private static void answer(HttpServerRequest request, int status, JsonObject body) {
    request.response().setStatusCode(status).putHeader("content-type", MEDIA_TYPE)
        .end(body.encode());
  }
}
