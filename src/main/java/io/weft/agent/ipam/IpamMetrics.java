package io.weft.agent.ipam;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.weft.ipam.Allocator;
import io.weft.ipam.AllocatorStatus;
import io.weft.ring.PeerName;
import java.time.Duration;
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
    gossipSent = Counter.builder("weft.gossip.messages.sent").register(registry);
    gossipReceived = Counter.builder("weft.gossip.messages.received").register(registry);
    gossipBytesSent = Counter.builder("weft.gossip.bytes.sent").register(registry);
    gossipBytesReceived = Counter.builder("weft.gossip.bytes.received").register(registry);
    mergesRefused = Counter.builder("weft.merges.refused").register(registry);
    allocationLatency = Timer.builder("weft.allocation.latency")
        .description("from request to answer, waits included").publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofNanos(50_000)).maximumExpectedValue(Duration.ofMinutes(5))
        .register(registry);
    containerEventLatency = Timer.builder("weft.container.event.latency")
        .description("from a container event read from the engine to its effect committed")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(50_000))
        .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
    commitLatency = Timer.builder("weft.store.commit.latency").publishPercentileHistogram()
        .register(registry);
    batchSize = DistributionSummary.builder("weft.store.commit.batch.size").register(registry);
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

  void committed(double millis, long size) {
    commitLatency.record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS);
    batchSize.record(size);
  }
}
