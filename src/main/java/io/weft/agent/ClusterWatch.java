package io.weft.agent;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.weft.agent.cluster.Membership;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link StuckCluster}'s two probes against a joined cluster and reports, once, why it is
 * stuck. The lock probe runs on its own daemon thread, since taking the cluster manager's lock
 * is what may block; the greeting runs on the local event loop and never blocks it.
 */
final class ClusterWatch {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterWatch.class);
  private static final long PROBE_EVERY_MS = 5_000;
  private static final long GREETING_TIMEOUT_MS = 10_000;
  private static final String HOOK = "weft.test.hook";
  private static final String STUCK_HOOK = "stuck-cluster";
  private static volatile boolean hooked;

  private final Vertx local;
  private final Membership membership;
  private final ClusterManager clusterManager;
  private final StuckCluster verdict = new StuckCluster(System.currentTimeMillis());
  private final Consumer<String> stuck;
  private volatile boolean closed;
  private long timer = -1;

  ClusterWatch(Vertx local, Membership membership, ClusterManager clusterManager,
      Consumer<String> stuck) {
    this.local = local;
    this.membership = membership;
    this.clusterManager = clusterManager;
    this.stuck = stuck;
  }

  void start() {
    if (STUCK_HOOK.equals(System.getProperty(HOOK)) && !hooked) {
      hooked = true;
      holdTheLockUntilLeft();
    }
    Thread lockProbe = new Thread(this::probeLock, "weft-cluster-watch");
    lockProbe.setDaemon(true);
    lockProbe.start();
    timer = local.setPeriodic(PROBE_EVERY_MS, t -> {
      membership.greetSelf(GREETING_TIMEOUT_MS).compose(x -> ownNodeInfo())
          .compose(x -> membership.greetingAddress()
              .map(address -> listed(clusterManager, address))
              .orElseGet(() -> Future.failedFuture("not joined")))
          .onSuccess(x -> verdict.answered(System.currentTimeMillis()));
      verdict.stuck(System.currentTimeMillis()).ifPresent(why -> {
        if (!closed) {
          close();
          stuck.accept(why);
        }
      });
    });
  }

  /**
   * This agent's own entry in the cluster's list of nodes, which peers read to connect to its
   * event bus: a peer that was dropped and merged back can find it gone (removed by the others,
   * never written again), and is then listed by Hazelcast but unreachable to everyone.
   */
  private Future<Void> ownNodeInfo() {
    Promise<NodeInfo> read = Promise.promise();
    clusterManager.getNodeInfo(clusterManager.getNodeId(), read);
    return read.future().mapEmpty();
  }

  /**
   * Whether the cluster's registry of event-bus addresses lists {@code address} on this node,
   * read from the registry itself. The greeting to itself does not show this: the event bus
   * keeps the addresses it has looked up, its own among them, so a greeting can come back while
   * the registry has lost the entry (a membership handler that ran late removed it after this
   * agent had published it again), and then no peer can reach this agent.
   */
  static Future<Void> listed(ClusterManager clusterManager, String address) {
    Promise<List<RegistrationInfo>> read = Promise.promise();
    clusterManager.getRegistrations(address, read);
    String self = clusterManager.getNodeId();
    return read.future().compose(registrations -> registrations.stream()
        .anyMatch(r -> r.nodeId().equals(self)) ? Future.<Void>succeededFuture()
        : Future.failedFuture("the cluster's registry does not list " + address));
  }

  void close() {
    closed = true;
    if (timer >= 0) {
      local.cancelTimer(timer);
    }
  }

  /**
   * The test hook {@code -Dweft.test.hook=stuck-cluster}, once per process: 10 s after the
   * first join a thread takes the cluster manager's lock and keeps it until Hazelcast stops, as
   * the stuck membership handler does, so that a test can watch the agent mend it. Never set it
   * on a real agent; the agent warns when it is.
   */
  private void holdTheLockUntilLeft() {
    LOG.warn("test hook {}={}: the cluster manager will be held stuck 10 s after joining; never"
        + " run an agent like this", HOOK, STUCK_HOOK);
    Thread holder = new Thread(() -> {
      try {
        Thread.sleep(10_000);
        synchronized (clusterManager) {
          while (((HazelcastClusterManager) clusterManager)
              .getHazelcastInstance().getLifecycleService().isRunning()) {
            Thread.sleep(200);
          }
        }
      } catch (InterruptedException | RuntimeException e) {
        LOG.debug("stuck-cluster hook: {}", e.toString());
      }
    }, "weft-test-stuck-cluster");
    holder.setDaemon(true);
    holder.start();
  }

  private void probeLock() {
    while (!closed) {
      verdict.lockWaitStarted(System.currentTimeMillis());
      try {
        // Synchronized in Vert.x's Hazelcast cluster manager, like its membership handlers.
        clusterManager.getNodeInfo();
      } catch (RuntimeException e) {
        LOG.debug("cluster manager probe: {}", e.toString());
      }
      verdict.lockTaken();
      try {
        Thread.sleep(PROBE_EVERY_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
