package io.weft.agent;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.weft.agent.cluster.ClusterSettings;
import io.weft.agent.cluster.HazelcastMember;
import io.weft.agent.cluster.HazelcastSettings;
import io.weft.agent.cluster.LostBusWrites;
import io.weft.agent.cluster.Member;
import io.weft.agent.cluster.Membership;
import io.weft.agent.cluster.PeerTls;
import io.weft.agent.ipam.ClusterTransport;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clustered Vert.x that carries peer traffic, joined in the background: Hazelcast's join
 * takes seconds when listed peers are down (each is tried until its connection times out) and
 * longer on a loaded host, and a restarted peer must not wait for it to answer from its own
 * ranges. Once joined, the peer transport is attached and the membership starts reporting
 * members to the ring verticle, which is what lets requests that need other peers go on.
 */
final class ClusterJoin {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterJoin.class);
  /**
   * How often a join still under way is reported. It is not given up: a listed peer that
   * accepts connections but does not answer (frozen, overloaded) holds Hazelcast's join for as
   * long as it lasts, and meanwhile this agent serves from its own ranges.
   */
  private static final long JOIN_REPORT_MS = 60_000;
  private static final long JOIN_AGAIN_MS = 5_000;

  private final ClusterSettings settings;
  private volatile HazelcastClusterManager clusterManager;
  private final Membership membership;
  private final EventBusOptions bus;
  private volatile Future<Vertx> clustered;
  private volatile boolean joined;
  private volatile boolean leaving;
  private ClusterWatch watch;
  /** Kept by {@link #attach} for a join again: see {@link #rejoin}. */
  private Vertx local;
  private ClusterTransport transport;
  private Consumer<String> fatal;

  ClusterJoin(ClusterSettings settings, PeerTls tls, Optional<String> host, int busPort,
      JsonObject metadata, Consumer<Member> duplicateName) {
    this.settings = settings;
    // A stand-in until start() makes the member and its manager: building Hazelcast's Config
    // loads hundreds of classes, which the local side should not wait for.
    this.clusterManager = new HazelcastClusterManager();
    this.membership = new Membership(clusterManager, duplicateName, tls);
    clusterManager.nodeListener(membership);
    bus = new EventBusOptions().setPort(busPort).setClusterNodeMetadata(metadata);
    host.ifPresent(h -> bus.setHost(h).setClusterPublicHost(h));
    tls.apply(bus);
  }

  Membership membership() {
    return membership;
  }

  /** Whether this agent is a member of the cluster now. */
  boolean joined() {
    return joined && clusterManager.isActive();
  }

  /**
   * Starts joining; returns at once. The Hazelcast member is started here, not by Vert.x, so
   * that it joins with weft's {@link HazelcastMember quicker joiner}; the clustered Vert.x is
   * built on it once it has joined.
   */
  void start() {
    Promise<Vertx> joining = Promise.promise();
    clustered = joining.future();
    // A thread of its own: the member's start blocks until it has joined.
    Thread thread = new Thread(() -> {
      HazelcastInstance member;
      try {
        member = HazelcastMember.start(HazelcastSettings.create(settings));
      } catch (RuntimeException e) {
        joining.fail(e);
        return;
      }
      HazelcastClusterManager manager = new HazelcastClusterManager(member);
      clusterManager = manager;
      membership.joinThrough(manager);
      // Peer traffic only: two event loops are plenty, and fewer threads start faster.
      VertxOptions options = new VertxOptions().setEventBusOptions(bus).setEventLoopPoolSize(2);
      Vertx.builder().with(options).withClusterManager(manager).buildClustered()
          .onComplete(ar -> {
            if (ar.failed()) {
              shutDown(member);
            } else {
              // Vert.x's "Promise already completed" for a message whose write failed is not
              // logged as an error: see LostBusWrites.
              LostBusWrites.install(ar.result());
            }
            joining.handle(ar);
          });
    }, "weft-cluster-join");
    thread.setDaemon(true);
    thread.start();
  }

  /** Leaves the cluster gracefully: a member Vert.x was given is not Vert.x's to shut down. */
  private static void shutDown(HazelcastInstance member) {
    try {
      if (member.getLifecycleService().isRunning()) {
        member.getLifecycleService().shutdown();
      }
    } catch (RuntimeException e) {
      LOG.debug("shutting Hazelcast down: {}", e.toString());
    }
  }

  /**
   * Once joined, peer traffic flows through {@code transport} and members are reported on
   * {@code local}'s event bus; a failed or stuck join ends the agent through {@code fatal}.
   */
  void attach(Vertx local, ClusterTransport transport, Consumer<String> fatal) {
    this.local = local;
    this.transport = transport;
    this.fatal = fatal;
    long startedAt = System.nanoTime();
    long report = local.setPeriodic(JOIN_REPORT_MS, t -> LOG.warn("still joining the cluster"
        + " after {} s (serving from this peer's own ranges meanwhile): a listed PEER accepts"
        + " connections but does not answer, or none is reachable; check that --cluster-addr is"
        + " an address of this host and that the PEERs run", (System.nanoTime() - startedAt)
        / 1_000_000_000L));
    clustered.compose(v -> transport.attach(v, clusterManager).map(v)).onComplete(ar -> {
      local.cancelTimer(report);
      if (ar.failed()) {
        if (leaving) {
          return;
        }
        if (!bindFailure(ar.cause())) {
          // Hazelcast refuses joins while its cluster state is locked (a merge or migration
          // under way): that passes, so try again rather than stop a peer that serves.
          LOG.warn("cannot join the cluster now ({}); trying again in {} s (this peer serves from"
              + " its own ranges meanwhile)", ar.cause().getMessage(), JOIN_AGAIN_MS / 1000);
          joinAgain(JOIN_AGAIN_MS);
          return;
        }
        String why = "cannot join the cluster: " + ar.cause().getMessage() + "; check that"
            + " --cluster-addr and --bus-port are free addresses of this host";
        LOG.error(why);
        fatal.accept(why);
        return;
      }
      Member self = Member.of(clusterManager.getNodeId(), clusterManager.getNodeInfo().host(),
          clusterManager.getNodeInfo().port(), bus.getClusterNodeMetadata());
      membership.start(ar.result(), local, self);
      joined = true;
      LOG.info("joined cluster '{}' as {}: {} member(s)", settings.clusterName(), self.label(),
          clusterManager.getNodes().size());
      watch = new ClusterWatch(local, membership, clusterManager, this::rejoin);
      watch.start();
    });
  }

  /**
   * Leaves a stuck cluster and joins again, as a restart would but without one: the local side
   * keeps serving from this peer's own ranges, the peers are reported gone meanwhile (so nothing
   * waits on them) and come back through the new join. Hazelcast is terminated first: Vert.x's
   * leave takes the lock that the stuck handler holds, and only a terminated Hazelcast lets it go.
   */
  private void rejoin(String why) {
    if (leaving) {
      return;
    }
    LOG.warn("the cluster layer is stuck: {}; leaving the cluster and joining it again (this"
        + " peer serves from its own ranges meanwhile)", why);
    joinAgain(0);
  }

  /** Closes the current (stuck or failed) cluster and, after {@code delayMs}, joins again. */
  private void joinAgain(long delayMs) {
    joined = false;
    transport.detach();
    HazelcastClusterManager stuck = clusterManager;
    Future<Vertx> old = clustered;
    clusterManager = new HazelcastClusterManager();
    membership.leftCluster(clusterManager);
    // A thread of its own, not a Vert.x worker: closing waits on Vert.x futures, and a new
    // Vert.x is best not made from inside another's threads.
    Thread again = new Thread(() -> {
      close(stuck, old);
      try {
        Thread.sleep(delayMs);
      } catch (InterruptedException e) {
        return;
      }
      if (!leaving) {
        start();
        local.runOnContext(v -> attach(local, transport, fatal));
      }
    }, "weft-rejoin");
    again.setDaemon(true);
    again.start();
  }

  /** Whether a failed join is this host's own addresses being taken: an operator's to mend. */
  private static boolean bindFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage());
      if (t instanceof java.net.BindException || message.contains("Cannot bind")
          || message.contains("already in use")) {
        return true;
      }
    }
    return false;
  }

  private static void close(HazelcastClusterManager stuck, Future<Vertx> old) {
    try {
      // Null when the join failed before Hazelcast started.
      if (stuck.getHazelcastInstance() != null) {
        unhook(stuck);
        stuck.getHazelcastInstance().getLifecycleService().terminate();
      }
    } catch (RuntimeException e) {
      LOG.debug("terminating Hazelcast: {}", e.toString());
    }
    try {
      old.await(15, TimeUnit.SECONDS).close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("the cluster left did not close cleanly: {}", e.toString());
    }
  }

  /**
   * Removes Vert.x's cluster manager from Hazelcast's lifecycle listeners. Terminating Hazelcast
   * calls those listeners on the terminating thread, and the cluster manager's is synchronized:
   * it would wait for the very lock the stuck handler holds, and the stuck handler waits for
   * Hazelcast, which only the termination would stop. The listener's id is private, hence the
   * reflection; without it (another Vert.x version) the termination waits until the stuck
   * operation times out (about two minutes) instead of ending it at once.
   */
  private static void unhook(HazelcastClusterManager stuck) {
    try {
      java.lang.reflect.Field id = HazelcastClusterManager.class
          .getDeclaredField("lifecycleListenerId");
      id.setAccessible(true);
      Object listener = id.get(stuck);
      if (listener instanceof java.util.UUID uuid) {
        stuck.getHazelcastInstance().getLifecycleService().removeLifecycleListener(uuid);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn("cannot detach Vert.x from Hazelcast's lifecycle ({}); leaving the stuck cluster"
          + " may take a few minutes", e.toString());
    }
  }

  /** The agent is stopping: members that come and go are no longer reported. */
  void stopReporting() {
    leaving = true; // and no join again from now on
    membership.stopReporting();
  }

  /** Leaves the cluster (waiting for a join under way to finish first). Blocks; not on a loop. */
  void leave() {
    leaving = true;
    if (watch != null) {
      watch.close();
    }
    if (clustered == null || clustered.failed()) {
      return; // never joined: nothing to leave (and why was logged when the join failed)
    }
    try {
      clustered.await(15, TimeUnit.SECONDS).close().await(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("leaving the cluster did not finish cleanly: {}", e.toString());
    }
    HazelcastInstance member = clusterManager.getHazelcastInstance();
    if (member != null) {
      shutDown(member);
    }
  }
}
