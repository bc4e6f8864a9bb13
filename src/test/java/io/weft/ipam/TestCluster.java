package io.weft.ipam;

import io.weft.net.Cidr;
import io.weft.ring.PeerName;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;

/**
 * A few peers on a lossless, in-order network, for scenario tests. Each peer is an allocator
 * and its {@link Seeding}, composed as the simulator and the agent's verticles compose them.
 */
final class TestCluster {
  record Delivery(PeerName to, Message message, boolean toAll, boolean toSeeding) {}

  final Map<PeerName, Allocator> peers = new LinkedHashMap<>();
  final Map<PeerName, Seeding> seedings = new LinkedHashMap<>();
  final Queue<Delivery> network = new ArrayDeque<>();
  final Map<Long, Result> results = new HashMap<>();
  final Cidr universe;
  long nowMs;
  long nextRequest = 1;

  TestCluster(String universe) {
    this.universe = Cidr.parse(universe);
  }

  static PeerName peer(int i) {
    return new PeerName(0x0100_0000_0000L + i);
  }

  Allocator add(int i, int quorum, boolean observer) {
    return add(i, AllocatorConfig.of(peer(i), 1000 + i, "host" + i, universe, quorum, observer));
  }

  /** An elector launched for {@code count} peers, as the agent launches one. */
  Allocator addCounted(int i, int count) {
    return add(i, AllocatorConfig.of(peer(i), 1000 + i, "host" + i, universe, count / 2 + 1, false)
        .withPeerCount(count));
  }

  /** An observer launched for {@code count} peers. */
  Allocator addCountedObserver(int i, int count) {
    return add(i, AllocatorConfig.of(peer(i), 1000 + i, "host" + i, universe, count / 2 + 1, true)
        .withPeerCount(count));
  }

  /** A peer launched in seed mode with {@code seeds}. */
  Allocator addSeeded(int i, java.util.List<PeerName> seeds) {
    return add(i, AllocatorConfig.of(peer(i), 1000 + i, "host" + i, universe, 1, false)
        .withSeeds(seeds));
  }

  private Allocator add(int i, AllocatorConfig config) {
    Allocator allocator = new Allocator(config, new SplittableRandom(i));
    seedings.put(peer(i), Seeding.of(config, allocator.persistedState()));
    for (PeerName other : peers.keySet()) {
      apply(other, peers.get(other).memberJoined(nowMs, peer(i)));
      consensus(other, seedings.get(other).memberJoined(nowMs, peer(i)));
    }
    peers.put(peer(i), allocator);
    for (PeerName other : peers.keySet()) {
      if (!other.equals(peer(i))) {
        apply(peer(i), allocator.memberJoined(nowMs, other));
        consensus(peer(i), seedings.get(peer(i)).memberJoined(nowMs, other));
      }
    }
    return allocator;
  }

  Allocator get(int i) {
    return peers.get(peer(i));
  }

  void apply(PeerName at, Outcome out) {
    for (Outcome.Send s : out.sends()) {
      for (PeerName target : peers.keySet()) {
        if (!target.equals(at) && (s.to() == null || s.to().equals(target))) {
          network.add(new Delivery(target, s.message(), s.to() == null, s.toSeeding()));
        }
      }
    }
    for (Outcome.Completion c : out.completions()) {
      results.put(c.requestId(), c.result());
    }
    if (out.ringExists()) {
      seedings.get(at).ringExists();
    }
    if (out.establish()) {
      consensus(at, seedings.get(at).establish(nowMs));
    }
  }

  /** Carries out a Seeding outcome and hands it to the allocator. */
  void consensus(PeerName at, Outcome out) {
    apply(at, out);
    apply(at, peers.get(at).afterConsensus(nowMs, out));
  }

  /** Delivers until quiet (bounded). */
  void settle() {
    for (int i = 0; i < 10_000 && !network.isEmpty(); i++) {
      Delivery d = network.poll();
      Allocator to = peers.get(d.to());
      if (to != null) {
        if (!d.toSeeding()) {
          apply(d.to(), to.receive(nowMs, d.message()));
        }
        if (d.toAll() || d.toSeeding()) {
          consensus(d.to(), seedings.get(d.to()).receive(nowMs, d.message()));
        }
      }
    }
  }

  void tickAll(long ms) {
    nowMs += ms;
    for (Map.Entry<PeerName, Allocator> e : peers.entrySet()) {
      consensus(e.getKey(), seedings.get(e.getKey()).tick(nowMs));
      apply(e.getKey(), e.getValue().tick(nowMs));
    }
    settle();
  }

  long allocate(int at, String ident, String subnet) {
    long id = nextRequest++;
    apply(peer(at), get(at).allocate(nowMs, id, ident, Cidr.parse(subnet), true));
    return id;
  }

  long claim(int at, String ident, String address) {
    return claim(at, ident, address, false);
  }

  long claim(int at, String ident, String address, boolean noErrorOnUnknown) {
    long id = nextRequest++;
    apply(peer(at), get(at).claim(nowMs, id, ident,
        io.weft.net.PrefixedAddress.parse(address), noErrorOnUnknown, true));
    return id;
  }

  /** The answer to a request, or null while it waits. */
  Result result(long id) {
    return results.get(id);
  }

  String value(long id) {
    Result r = results.get(id);
    if (r == null) {
      throw new AssertionError("request " + id + " is still waiting");
    }
    if (!r.isOk()) {
      throw new AssertionError("request " + id + " failed: " + r.value());
    }
    return r.value();
  }
}
