package io.weft.agent;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.weft.agent.bridge.BridgeVerticle;
import io.weft.agent.cluster.ClusterSettings;
import io.weft.agent.cluster.HandshakeRefusals;
import io.weft.agent.cluster.Member;
import io.weft.agent.cluster.PeerTls;
import io.weft.agent.consensus.ConsensusVerticle;
import io.weft.agent.http.HttpApiVerticle;
import io.weft.agent.ipam.ClusterTransport;
import io.weft.agent.ipam.IpamApi;
import io.weft.agent.ipam.IpamMetrics;
import io.weft.agent.ipam.IpamSettings;
import io.weft.agent.ipam.RingVerticle;
import io.weft.agent.ipam.StateCodec;
import io.weft.docker.ContainerWatchVerticle;
import io.weft.docker.DockerStatus;
import io.weft.dockerplugin.IpamDriverVerticle;
import io.weft.ipam.PersistedState;
import io.weft.metrics.MetricRegistries;
import io.weft.ring.PeerName;
import io.weft.store.Store;
import io.weft.store.StoreException;
import java.io.IOException;
import java.net.BindException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running weft agent: the data directory and store, a local Vert.x with the verticles, and a
 * clustered Vert.x with Hazelcast for membership and peer traffic, which joins in the background.
 * {@link #start} blocks the calling thread (never an event loop) until the agent serves from its
 * own ranges; {@link #fatal()} completes if it must stop on its own.
 */
public final class Agent {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);
  private static final String PING = "weft.ping";
  private static final String NETTY_JFR = "io.netty.jfr.enabled";

  private final AgentOptions options;
  private final DataDirectory dataDir;
  private final Store store;
  private final PeerName peerName;
  private final Promise<String> fatal = Promise.promise();
  private Vertx vertx;
  private ClusterJoin join;
  private Future<AutoCloseable> jvmMeters;
  /** The agent served: a clean stop then leaves a snapshot of its allocations for the next. */
  private boolean served;

  private final PersistedState restored;

  private Agent(AgentOptions options, DataDirectory dataDir, Store store, PeerName peerName,
      PersistedState restored) {
    this.restored = restored;
    this.options = options;
    this.dataDir = dataDir;
    this.store = store;
    this.peerName = peerName;
  }

  /** Starts an agent; on failure everything taken so far is released again. */
  public static Agent start(AgentOptions options) throws AgentStartException {
    long startedAt = System.currentTimeMillis();
    // Netty 4.2 reports its buffer allocator to Java Flight Recorder; the first buffer of the
    // first request then registers JFR's event classes (~150 ms of a restart's first answer,
    // and they are not in a class-data-sharing archive). Off unless the operator turns it on.
    if (System.getProperty(NETTY_JFR) == null) {
      System.setProperty(NETTY_JFR, "false");
    }
    LocalRuntime.Pending local = LocalRuntime.buildInBackground(options);
    Agent agent;
    try {
      agent = open(options);
    } catch (AgentStartException | RuntimeException e) {
      local.discard();
      throw e;
    }
    try {
      agent.serve(local.get(), startedAt);
    } catch (AgentStartException e) {
      agent.close();
      throw e;
    } catch (TimeoutException e) {
      agent.close();
      throw new AgentStartException("starting the agent's verticles did not finish within 30 s:"
          + " the host may be overloaded; look at the lines above for one that failed");
    } catch (Exception e) { // a RuntimeException, or a checked one Vert.x rethrows as it is
      agent.close();
      if (e instanceof BindException) {
        throw new AgentStartException("cannot listen: " + e.getMessage() + ". Another program"
            + " (or weft agent) uses --http-addr " + options.httpAddr() + " or --bridge-addr"
            + options.bridgeAddr().map(a -> " " + a).orElse("") + ": stop it, or give this"
            + " agent other addresses");
      }
      throw new AgentStartException("cannot start: " + e.getMessage());
    }
    LOG.info("weft {} started in {} ms (serving; joining the cluster in the background):"
        + " peer {}({}), data {}, http {}, cluster {}:{}, quorum {}",
        Version.text(), System.currentTimeMillis() - startedAt, agent.peerName,
        options.nickname(), options.dataDir(), options.httpAddr(),
        options.clusterHost().orElse("*"), options.clusterPort(), options.quorum());
    options.tls().ifPresentOrElse(t -> LOG.info("peer traffic: mutual TLS with {} (CA {}),"
        + " certificate valid until {}", t.cert(), t.ca(), t.expiry()),
        () -> {
          if (!options.peers().isEmpty() || options.quorum() > 1) {
            LOG.warn(PeerTls.PLAIN_WARNING);
          } else {
            LOG.info("peer traffic: plain (no --tls-cert/--tls-key/--tls-ca)");
          }
        });
    options.tls().filter(t -> t.expiry().isBefore(java.time.Instant.now()
        .plus(java.time.Duration.ofDays(30)))).ifPresent(t -> LOG.warn("the certificate {}"
            + " expires at {}, within 30 days: make a new one with 'weft tls cert create' and"
            + " restart this agent with it", t.cert(), t.expiry()));
    return agent;
  }

  /** Takes the data directory, opens the store and restores the saved state. */
  private static Agent open(AgentOptions options) throws AgentStartException {
    DataDirectory dataDir = DataDirectory.acquire(options.dataDir());
    Store store;
    try {
      store = Store.open(dataDir.path());
    } catch (StoreException e) {
      dataDir.close();
      throw new AgentStartException(e.getMessage());
    }
    PersistedState state;
    try {
      store = setAsideForeignState(options, dataDir, store);
      state = StateCodec.load(store, options.range());
    } catch (StoreException | IllegalArgumentException | IOException e) {
      store.close();
      dataDir.close();
      throw new AgentStartException(e.getMessage());
    }
    return new Agent(options, dataDir, store, identity(options, store), state);
  }

  /**
   * State saved for another peer name (a different --name) or another universe (a different
   * --ipalloc-range) must not be used: it is moved aside, never deleted, with one log line.
   * A range change keeps the peer name, as Weave does: the name is the peer's identity, created
   * at first launch and kept in the data directory, and only the state of the old universe is
   * foreign. Reusing it is safe because nothing set aside can come back under it: the ring
   * (with its tombstones) and the allocations are the old universe's, and a ring over another
   * universe is refused, never merged (a ring of the new universe that removed this name with
   * rmpeer in an earlier run over it still stops it allocating, as it should); Paxos knowledge
   * is set aside too, and this process votes under a uid of its own, as after any restart.
   * A reset peer's name is not kept: its reset retired that identity, and a relaunch joins as a
   * new peer, as it does with its data directory cleared.
   */
  private static Store setAsideForeignState(AgentOptions options, DataDirectory dataDir,
      Store store) throws IOException {
    String reason = null;
    String why = null;
    Optional<String> keptName = Optional.empty();
    if (options.name().isPresent() && store.peerName().isPresent()
        && !store.peerName().get().equals(options.name().get().toString())) {
      reason = "other-peer";
      why = "it belongs to peer " + store.peerName().get() + ", not " + options.name().get();
    } else if (store.universe().isPresent()
        && !store.universe().get().equals(options.range().toString())) {
      reason = "other-range";
      why = "it covers --ipalloc-range " + store.universe().get() + ", not " + options.range();
      keptName = store.wasReset() ? Optional.empty() : store.peerName();
    }
    if (reason == null) {
      store.saveUniverse(options.range().toString());
      return store;
    }
    store.close();
    Path aside = Store.setAside(dataDir.path(), reason, System.currentTimeMillis());
    LOG.warn("set the saved state aside as {}: {}; starting with empty state{}", aside, why,
        keptName.map(name -> " under the same peer name " + name).orElse(""));
    Store fresh = Store.open(dataDir.path());
    fresh.saveUniverse(options.range().toString());
    keptName.ifPresent(fresh::savePeerName);
    return fresh;
  }

  private static PeerName identity(AgentOptions options, Store store) {
    if (options.name().isPresent()) {
      store.savePeerName(options.name().get().toString());
      return options.name().get();
    }
    return store.peerName().map(PeerName::parse).orElseGet(() -> {
      PeerName created = PeerName.random(new SecureRandom());
      store.savePeerName(created.toString());
      LOG.info("created peer name {} (kept in {})", created, store.file());
      return created;
    });
  }

  /**
   * The local Vert.x (HTTP, the ring verticle, tools) starts at once and serves; the clustered one
   * that carries peer traffic joins in the background ({@link ClusterJoin}), so that a restarted
   * peer answers from its own ranges whatever the cluster is doing. The join begins after the
   * local side, or before it for a fresh peer that needs its peers first ({@link StartOrder}).
   */
  private void serve(LocalRuntime local, long startedAt) throws TimeoutException {
    vertx = local.vertx();
    PrometheusMeterRegistry metrics = local.metrics();
    JsonObject metadata = Member.metadata(peerName.toString(), options.nickname(),
        options.httpAddr().toString(), options.observer(), startedAt);
    join = new ClusterJoin(clusterSettings(), peerTls(), options.clusterHost(),
        options.busPort(), metadata, this::duplicateName);
    if (options.tls().isPresent()) {
      HandshakeRefusals.install();
    }
    StartOrder order = StartOrder.of(restored, options.seeds(), options.quorum());
    if (order == StartOrder.JOIN_FIRST) {
      join.start();
    }
    ClusterTransport transport = new ClusterTransport(vertx, peerName);

    vertx.eventBus().localConsumer(PING, m -> m.reply("pong"));
    HealthChecks live = HealthChecks.create(vertx).register("event-loop", 2000,
        p -> vertx.eventBus().request(PING, "ping").onComplete(ar -> p.complete(
            ar.succeeded() ? Status.OK() : Status.KO(new JsonObject().put("reason",
                "the event loop did not answer within 2 s")))));
    Readiness readiness = new Readiness();
    HealthChecks ready = readiness.register(HealthChecks.create(vertx), join::joined,
        store.file().toString());
    IpamMetrics ipamMetrics = new IpamMetrics(metrics);
    DockerStatus docker = options.dockerHost().map(DockerStatus::watching)
        .orElseGet(DockerStatus::disabled);
    ipamMetrics.watch(metrics, docker);
    RingVerticle ring = new RingVerticle(ipamSettings(), join.membership(), store, restored,
        ipamMetrics, docker, readiness.reporting(fatal::tryComplete), transport);
    vertx.deployVerticle(ring)
        .compose(id -> vertx.deployVerticle(new ConsensusVerticle(ipamSettings(),
            join.membership(), restored, readiness.reporting(fatal::tryComplete))))
        .compose(id -> options.dockerHost().isEmpty() ? Future.succeededFuture(id)
            : vertx.deployVerticle(new ContainerWatchVerticle(options.dockerHost().get(), docker)))
        .compose(id -> vertx.deployVerticle(new HttpApiVerticle(options.httpAddr(),
            options.defaultSubnet(), live, ready, metrics, ring.local())))
        .compose(id -> options.bridgeAddr().isEmpty() ? Future.succeededFuture(id)
            : vertx.deployVerticle(new BridgeVerticle(options.bridgeAddr().get())))
        .compose(id -> options.dockerPlugin().isEmpty() ? Future.succeededFuture(id)
            : vertx.deployVerticle(new IpamDriverVerticle(options.dockerPlugin().get(),
                options.range(), options.defaultSubnet())).recover(e -> {
                  // Docker networks are an extra: an agent that cannot serve them still serves.
                  LOG.warn("the Docker IPAM driver is off: {}", e.getMessage());
                  return Future.succeededFuture(id);
                }))
        .await(30, TimeUnit.SECONDS);
    if (order == StartOrder.SERVE_FIRST) {
      join.start();
    }
    join.attach(vertx, transport, fatal::tryComplete);
    jvmMeters = vertx.executeBlocking(() -> MetricRegistries.bindJvm(metrics));
    served = true;
  }

  /** What the lower layers need of the options, so that they do not depend on this package. */
  private ClusterSettings clusterSettings() {
    return new ClusterSettings(options.clusterName(), options.clusterHost(),
        options.clusterPort(), options.peers());
  }

  private PeerTls peerTls() {
    return options.tls().map(t -> PeerTls.of(t.cert(), t.key(), t.ca(), t.expiry()))
        .orElseGet(PeerTls::off);
  }

  private IpamSettings ipamSettings() {
    return new IpamSettings(peerName, options.nickname(), options.range(),
        options.defaultSubnet(), options.quorum(), options.observer(), options.containerGrace(),
        options.clusterName(), Version.text(), options.seeds(), options.peerCount());
  }

  private void duplicateName(Member other) {
    String where = other.host() + ":" + other.busPort();
    if (other.startedBefore(join.membership().self())) {
      String message = "peer name " + peerName + " is already used by the agent at " + where
          + " (" + other.nickname() + "): two agents with one name would hand out the same"
          + " addresses. Was the data directory copied? Give this agent its own --name or an"
          + " empty --data-dir";
      LOG.error(message);
      fatal.tryComplete(message);
    } else {
      LOG.warn("the agent at {} ({}) started with our peer name {}; it will refuse to join",
          where, other.nickname(), peerName);
    }
  }

  /** Completes with a message when the agent must stop by itself (exit code 1). */
  public Future<String> fatal() {
    return fatal.future();
  }

  /**
   * The agent's local Vert.x, for tools embedded in the same JVM (they talk on its event bus);
   * peer traffic goes over a second, clustered one of its own.
   */
  public Vertx vertx() {
    return vertx;
  }

  /**
   * Once nothing writes any more: the next start reads the snapshot of the allocations instead
   * of the table, which is most of a restart's reading at a million of them. Here its parts that
   * changed since they were last packed are packed again; without that (a crash, a failure here)
   * the next start reads those parts from the table, only slower.
   */
  private void saveSnapshot() {
    long started = System.nanoTime();
    try {
      long rows = store.saveSnapshot();
      LOG.info("the snapshot of the allocations is up to date for the next start: {}"
          + " allocation(s) packed again in {} ms", rows,
          (System.nanoTime() - started) / 1_000_000);
    } catch (StoreException e) {
      LOG.warn("{}; the next start reads the allocations that changed from their table instead,"
          + " which is slower", e.getMessage());
    }
  }

  public PeerName peerName() {
    return peerName;
  }

  /** Leaves the cluster and releases the store and the data directory. Blocks; not on a loop. */
  public void close() {
    if (jvmMeters != null) {
      jvmMeters.onSuccess(meters -> {
        try {
          meters.close();
        } catch (Exception e) {
          LOG.debug("unbinding the JVM's meters: {}", e.toString());
        }
      });
    }
    if (join != null) {
      join.stopReporting(); // the local Vert.x closes first: nothing may be reported on it after
    }
    boolean stoppedCleanly = false;
    if (vertx != null && served) {
      try {
        // Answered before the servers close: a waiting client gets 503, not a dropped connection.
        vertx.eventBus().request(IpamApi.STOPPING, null).await(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("answering the waiting requests before stopping: {}", e.toString());
      }
    }
    if (vertx != null) {
      try {
        vertx.close().await(15, TimeUnit.SECONDS);
        stoppedCleanly = true;
      } catch (Exception e) {
        LOG.warn("stopping the agent's verticles did not finish cleanly: {}", e.toString());
      }
    }
    if (join != null) {
      join.leave();
    }
    if (served && stoppedCleanly) {
      saveSnapshot();
    }
    store.close();
    dataDir.close();
  }
}
