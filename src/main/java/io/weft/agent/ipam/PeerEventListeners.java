package io.weft.agent.ipam;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.RegistrationInfo;
import java.util.List;

/**
 * Whether another peer relays every peer's events ({@link IpamApi#ALL_EVENTS}) to its tools,
 * so that this peer publishes its own events cluster-wide only then.
 *
 * <p>Why it matters: Vert.x remembers the registrations of an address only while it has some. A
 * publication to an address with none anywhere asks the cluster manager again, through a worker
 * thread and a Hazelcast operation, at every allocation and every free. That was a tenth of the
 * agent's CPU under load, to reach nobody.
 *
 * <p>It is learned two ways. A peer that registers its relay says so at once on {@link #RELAYS},
 * so that the first events after a tool subscribes there reach it. Every {@value #CHECK_MS} ms,
 * the registrations of {@code weft.events.all} are read; that notices relays that went away (a
 * tool unsubscribed, a peer left), and relays registered before this peer joined.
 */
final class PeerEventListeners {
  /** Where a peer says that it has just registered its relay of every peer's events. */
  static final String RELAYS = "weft.events.all.relays";
  static final long CHECK_MS = 2_000;

  private final String self;
  private volatile ClusterManager cluster;
  private volatile boolean any;
  // Counts announcements, so that a read of the registrations begun before one arrived does not
  // undo what it said.
  private volatile long announcements;
  // One read at a time: while Hazelcast's partitions move, a read can wait for a long time on a
  // worker thread, and reads every 2 s must not pile up there.
  private volatile boolean checking;

  /** {@code self} names this peer in its announcements, which it hears too and ignores. */
  PeerEventListeners(Vertx local, String self) {
    this.self = self;
    local.setPeriodic(CHECK_MS, t -> check());
  }

  /** Starts listening for announcements on {@code bus}; completes once registered. */
  Future<Void> attach(EventBus bus, ClusterManager manager) {
    cluster = manager;
    checking = false; // a read of the cluster left may never answer
    var heard = bus.<String>consumer(RELAYS, m -> {
      if (!self.equals(m.body())) {
        announcements++;
        any = true;
      }
    });
    return heard.completion().onSuccess(v -> check());
  }

  /** The cluster was left: no peer is reachable until the next attach. */
  void detach() {
    cluster = null;
    any = false;
  }

  /** Tells the other peers that this one has just registered its relay on {@code bus}. */
  void announce(EventBus bus) {
    bus.publish(RELAYS, self);
  }

  /** Whether another peer relays every peer's events to tools of its own. */
  boolean any() {
    return any;
  }

  private void check() {
    ClusterManager manager = cluster;
    if (manager == null || checking) {
      return;
    }
    long before = announcements;
    checking = true;
    try {
      manager.getRegistrations(IpamApi.ALL_EVENTS, (List<RegistrationInfo> found, Throwable e) -> {
        checking = false;
        if (e != null || manager != cluster) {
          return; // tried again at the next check; meanwhile what was known stands
        }
        String own = manager.getNodeId();
        boolean others = found.stream().anyMatch(r -> !r.nodeId().equals(own));
        if (others || announcements == before) {
          any = others;
        }
      });
    } catch (RuntimeException leaving) {
      // The cluster is being left (Hazelcast shutting down): detach() follows, or the agent stops.
      checking = false;
    }
  }
}
