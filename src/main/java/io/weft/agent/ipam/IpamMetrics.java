package io.weft.agent.ipam;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.weft.docker.DockerStatus;
import io.weft.ipam.Allocator;
import io.weft.ipam.AllocatorStatus;
import io.weft.ring.PeerName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * weft's own Prometheus metrics. Gauges read a snapshot that the ring verticle refreshes on its
 * own thread every tick: the allocator is never read from the scrape thread.
 */
public final class IpamMetrics {
  private volatile double inUse;
  private volatile double universe;
  private volatile double owned;
  private volatile double unreachableOwned;
  private volatile double pendingAllocations;
  private volatile double pendingClaims;
  private volatile double consensus;
  private volatile double ringEntries;
  private volatile double free;
  private volatile double storeFull;
  /** Per peer owning space, as this peer's ring shows it: addresses owned, reachable (1/0). */
  private volatile Map<PeerName, Long> ownedByPeer = Map.of();
  private volatile Set<PeerName> reachable = Set.of();
  private final MultiGauge peerOwned;
  private final MultiGauge peerReachable;
  private final Counter gossipSent;
  private final Counter gossipReceived;
  private final Counter gossipBytesSent;
  private final Counter gossipBytesReceived;
  private final Counter mergesRefused;
  private final Timer allocationLatency;
  private final Timer commitLatency;
  private final Timer containerEventLatency;
  private final DistributionSummary batchSize;

  public IpamMetrics(MeterRegistry registry) {
    gauge(registry, "weft.addresses.in.use", "addresses allocated on this peer", () -> inUse);
    gauge(registry, "weft.universe.size", "addresses in --ipalloc-range", () -> universe);
    gauge(registry, "weft.addresses.owned", "addresses this peer's ring entries cover",
        () -> owned);
    gauge(registry, "weft.addresses.owned.unreachable",
        "addresses owned by peers this one cannot reach", () -> unreachableOwned);
    gauge(registry, "weft.addresses.owned.unreachable.ratio",
        "share of the universe owned by unreachable peers",
        () -> universe == 0 ? 0 : unreachableOwned / universe);
    gauge(registry, "weft.pending.allocations", "allocations waiting", () -> pendingAllocations);
    gauge(registry, "weft.pending.claims", "claims waiting", () -> pendingClaims);
    gauge(registry, "weft.consensus.state", "0 deferred, 1 waiting, 2 achieved", () -> consensus);
    gauge(registry, "weft.ring.entries", "entries in this peer's ring", () -> ringEntries);
    gauge(registry, "weft.addresses.free",
        "addresses of the range still free, summed over the peers of this peer's ring",
        () -> free);
    gauge(registry, "weft.store.full", "1 while the disk under --data-dir is full and changes"
        + " wait to be written, 0 otherwise", () -> storeFull);
    peerOwned = MultiGauge.builder("weft.peer.addresses.owned")
        .description("addresses each peer owns, as this peer's ring shows it").register(registry);
    peerReachable = MultiGauge.builder("weft.peer.reachable")
        .description("1 when this peer reaches the peer named, 0 when it does not")
        .register(registry);
    gossipSent = Counter.builder("weft.gossip.messages.sent")
        .description("gossip and direct messages sent to other peers").register(registry);
    gossipReceived = Counter.builder("weft.gossip.messages.received")
        .description("gossip and direct messages received from other peers").register(registry);
    gossipBytesSent = Counter.builder("weft.gossip.bytes.sent")
        .description("bytes of messages sent to other peers")
        .register(registry);
    gossipBytesReceived = Counter.builder("weft.gossip.bytes.received")
        .description("bytes of messages received from other peers")
        .register(registry);
    mergesRefused = Counter.builder("weft.merges.refused")
        .description("rings from other peers refused: another range or other seeds")
        .register(registry);
    allocationLatency = Timer.builder("weft.allocation.latency")
        .description("from request to answer, waits included").publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(50_000)).maximumExpectedValue(Duration.ofMinutes(5))
        .register(registry);
    containerEventLatency = Timer.builder("weft.container.event.latency")
        .description("from a container event read from the engine to its effect committed")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    commitLatency = Timer.builder("weft.store.commit.latency")
        .description("time to commit one transaction of the store (a group of changes)")
        .publishPercentileHistogram().register(registry);
    batchSize = DistributionSummary.builder("weft.store.commit.batch.size")
        .description("changes per store transaction").register(registry);
  }

  /** Exports whether the container watcher is connected to its engine, when there is one. */
  public void watch(MeterRegistry registry, DockerStatus docker) {
    if (docker.state() != DockerStatus.State.DISABLED) {
      gauge(registry, "weft.docker.connected",
          "1 while the container watcher is connected to the engine, 0 while it is not",
          () -> docker.state() == DockerStatus.State.CONNECTED ? 1 : 0);
    }
  }

  private static void gauge(MeterRegistry registry, String name, String help,
      java.util.function.DoubleSupplier value) {
    Gauge.builder(name, value, java.util.function.DoubleSupplier::getAsDouble).description(help)
        .strongReference(true)
        .register(registry);
  }

  /** Called on the ring verticle's thread. */
  void refresh(Allocator allocator) {
    AllocatorStatus status = allocator.status();
    Map<PeerName, Long> byPeer = status.ownedByPeer();
    Set<PeerName> reachable = status.reachable();
    long unreachable = 0;
    for (Map.Entry<PeerName, Long> e : byPeer.entrySet()) {
      if (!e.getKey().equals(allocator.config().self()) && !reachable.contains(e.getKey())) {
        unreachable += e.getValue();
      }
    }
    inUse = status.activeAddresses();
    universe = allocator.config().universe().size();
    owned = byPeer.getOrDefault(allocator.config().self(), 0L);
    unreachableOwned = unreachable;
    pendingAllocations = status.pendingAllocations();
    pendingClaims = status.pendingClaims();
    consensus = status.consensus().ordinal();
    ringEntries = status.ringEntries();
    free = status.freeByPeer().values().stream().mapToLong(Long::longValue).sum();
    refreshPeers(allocator, status, byPeer, reachable);
  }

  /**
   * One row per peer owning space. Rows read the latest snapshot, so a row is added once and
   * only removed when its peer no longer owns anything (after rmpeer or reset).
   */
  private void refreshPeers(Allocator allocator, AllocatorStatus status, Map<PeerName, Long> byPeer,
      Set<PeerName> reachableNow) {
    PeerName self = allocator.config().self();
    Map<PeerName, String> nicknames = status.nicknames();
    ownedByPeer = Map.copyOf(byPeer);
    reachable = Set.copyOf(reachableNow);
    List<MultiGauge.Row<?>> owned = new ArrayList<>();
    List<MultiGauge.Row<?>> up = new ArrayList<>();
    for (PeerName p : byPeer.keySet()) {
      Tags tags = Tags.of("peer", p.toString(), "nickname", nicknames.getOrDefault(p, ""));
      owned.add(MultiGauge.Row.of(tags, () -> ownedByPeer.getOrDefault(p, 0L)));
      up.add(MultiGauge.Row.of(tags,
          () -> p.equals(self) || reachable.contains(p) ? 1 : 0));
    }
    peerOwned.register(owned, false);
    peerReachable.register(up, false);
  }

  void sent(int bytes) {
    gossipSent.increment();
    gossipBytesSent.increment(bytes);
  }

  void received(int bytes) {
    gossipReceived.increment();
    gossipBytesReceived.increment(bytes);
  }

  void mergeRefused() {
    mergesRefused.increment();
  }

  void allocationAnswered(long startedNanos) {
    allocationLatency.record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  void containerEventHandled(long readNanos) {
    containerEventLatency.record(System.nanoTime() - readNanos, TimeUnit.NANOSECONDS);
  }

  void storeFull(boolean isFull) {
    storeFull = isFull ? 1 : 0;
  }

  void committed(double millis, long size) {
    commitLatency.record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
    batchSize.record(size);
  }
}
