package io.weft.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.weft.net.Cidr;
import io.weft.net.Range;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Rings of many peers that grant space to each other and gossip at random, as the original's
 * TestFuzzRingHard did, and merges of garbage. jqwik prints the seed of a failing try; each try
 * also derives everything from its own {@code seed} argument.
 */
class RingPropertiesTest {
  static final Range UNIVERSE = Cidr.parse("10.0.0.0/16").range();

  /** One simulated cluster of rings. */
  static final class Cluster {
    final Map<PeerName, Ring> rings = new TreeMap<>();
    final List<PeerName> live = new ArrayList<>();
    final SplittableRandom random;

    Cluster(int peers, SplittableRandom random) {
      this.random = random;
      for (int i = 1; i <= peers; i++) {
        PeerName p = new PeerName(i);
        rings.put(p, new Ring(UNIVERSE, p));
        live.add(p);
      }
      rings.get(live.get(0)).claimForPeers(live);
    }

    PeerName anyLive() {
      return live.get(random.nextInt(live.size()));
    }

    void gossip(PeerName from, PeerName to) {
      try {
        rings.get(to).merge(rings.get(from).state(), r -> false);
      } catch (RingConflictException e) {
        fail("merge " + from + " -> " + to + " failed: " + e.getMessage());
      }
    }

    /** A random owner gives a random suffix of one of its ranges to a random peer. */
    void grant() {
      PeerName owner = anyLive();
      Ring ring = rings.get(owner);
      List<Range> owned = ring.ownedRanges();
      if (owned.isEmpty()) {
        return;
      }
      Range r = owned.get(random.nextInt(owned.size()));
      long start = r.start() + random.nextLong(r.size());
      PeerName to = anyLive();
      if (!to.equals(owner)) {
        ring.grantRangeToHost(start, r.end(), to);
      }
    }

    /** rmpeer: gather everything at one peer, take over the victim's entries, tell everyone. */
    void removePeer() {
      if (live.size() < 3) {
        return;
      }
      PeerName victim = anyLive();
      live.remove(victim);
      PeerName taker = anyLive();
      for (PeerName p : live) {
        gossip(p, taker);
      }
      gossip(victim, taker);
      rings.get(taker).transfer(victim, taker, true);
      for (PeerName p : live) {
        gossip(taker, p);
      }
      rings.remove(victim);
    }

    void settle() {
      for (int round = 0; round < 3; round++) {
        for (PeerName a : live) {
          for (PeerName b : live) {
            if (!a.equals(b)) {
              gossip(a, b);
            }
          }
        }
      }
    }
  }

  @Property(tries = 200, seed = "1125")
  void randomGrantsAndGossipConvergeToOneRingWithEveryAddressOwnedOnce(
      @ForAll long seed, @ForAll @IntRange(min = 2, max = 12) int peers) {
    SplittableRandom random = new SplittableRandom(seed);
    Cluster cluster = new Cluster(peers, random);
    for (int step = 0; step < 300; step++) {
      int action = random.nextInt(100);
      if (action < 3) {
        cluster.removePeer();
      } else if (action < 50) {
        cluster.grant();
      } else {
        cluster.gossip(cluster.anyLive(), cluster.anyLive());
      }
      cluster.rings.values().forEach(Ring::assertInvariants);
    }
    cluster.settle();
    Ring first = cluster.rings.get(cluster.live.get(0));
    long covered = 0;
    Set<Long> tokens = new HashSet<>();
    for (PeerName p : cluster.live) {
      Ring r = cluster.rings.get(p);
      assertThat(r.entries().size()).isEqualTo(first.entries().size());
      for (int i = 0; i < r.entries().size(); i++) {
        assertThat(r.entries().get(i).sameAs(first.entries().get(i)))
            .as("entry %d of %s vs %s", i, p, first.self()).isTrue();
      }
      covered += r.ownedRanges().stream().mapToLong(Range::size).sum();
      r.entries().forEach(e -> tokens.add(e.token()));
    }
    assertThat(covered).isEqualTo(UNIVERSE.size());
    assertThat(first.owners()).isSubsetOf(cluster.live);
  }

  @Property(tries = 300, seed = "1125")
  void mergeIsIdempotentAndOrderFree(@ForAll long seed) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    Cluster cluster = new Cluster(4, random);
    for (int step = 0; step < 40; step++) {
      cluster.grant();
      cluster.gossip(cluster.anyLive(), cluster.anyLive());
    }
    List<RingState> states = new ArrayList<>();
    cluster.rings.values().forEach(r -> states.add(r.state()));
    Ring forward = new Ring(UNIVERSE, new PeerName(99));
    Ring backward = new Ring(UNIVERSE, new PeerName(99));
    for (int i = 0; i < states.size(); i++) {
      forward.merge(states.get(i), r -> false);
      backward.merge(states.get(states.size() - 1 - i), r -> false);
    }
    assertThat(forward.merge(states.get(random.nextInt(states.size())), r -> false).changed())
        .isFalse();
    assertThat(forward.entries().size()).isEqualTo(backward.entries().size());
    for (int i = 0; i < forward.entries().size(); i++) {
      assertThat(forward.entries().get(i).sameAs(backward.entries().get(i))).isTrue();
    }
  }

  @Property(tries = 1000, seed = "1125")
  void garbageRingsNeverThrowAnythingButConflicts(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Ring mine = new Ring(UNIVERSE, new PeerName(1));
    mine.claimForPeers(List.of(new PeerName(1), new PeerName(2)));
    RingState before = mine.state();
    List<Entry> garbage = new ArrayList<>();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      long token = UNIVERSE.start() + random.nextLong(UNIVERSE.size() + 2) - 1;
      garbage.add(new Entry(Math.max(0, token), new PeerName(1 + random.nextInt(3)),
          random.nextInt(3), random.nextInt(70_000)));
    }
    if (random.nextBoolean()) {
      garbage.sort((a, b) -> Long.compare(a.token(), b.token()));
    }
    List<PeerName> seeds = random.nextBoolean() ? mine.seeds() : List.of(new PeerName(3));
    RingState theirs = new RingState(UNIVERSE, garbage, seeds, Set.of());
    try {
      mine.merge(theirs, r -> random.nextBoolean());
    } catch (RingConflictException expected) {
      assertThat(mine.state()).isEqualTo(before);
    }
    assertThat(mine.checkInvariants()).isEmpty();
  }
}
