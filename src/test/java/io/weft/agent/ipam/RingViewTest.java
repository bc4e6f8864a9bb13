package io.weft.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.ipam.Allocator;
import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.Range;
import io.weft.ring.Entry;
import io.weft.ring.PeerName;
import io.weft.ring.Ring;
import io.weft.ring.RingState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The ring as the page draws it and {@code GET /status/ring} serves it. */
class RingViewTest {
  static final Range UNIVERSE = Cidr.parse("10.32.0.0/12").range();
  static final PeerName A = PeerName.parse("0a:00:00:00:00:01");
  static final PeerName B = PeerName.parse("0a:00:00:00:00:02");
  static final PeerName C = PeerName.parse("0a:00:00:00:00:03");

  @Test
  void aWrappingEntryIsDrawnAsTwoRangesWithItsFreeCountOnce() {
    // B's entry starts at 10.40.0.0 and wraps round to A's token, 10.33.0.0.
    RingState ring = new RingState(UNIVERSE, List.of(
        new Entry(Ip.parse("10.33.0.0"), A, 3, 100),
        new Entry(Ip.parse("10.40.0.0"), B, 7, 200)), List.of(A, B, C), Set.of(C));
    JsonObject view = RingView.json(ring, A, Map.of(A, "alpha", B, "beta"), Set.of(),
        Allocator.Consensus.ACHIEVED);

    assertThat(view.getString("range")).isEqualTo("10.32.0.0/12");
    assertThat(view.getLong("size")).isEqualTo(1L << 20);
    assertThat(view.getString("consensus")).isEqualTo("achieved");
    assertThat(view.getJsonArray("seeds")).hasSize(3);
    assertThat(view.getJsonArray("removed").getList()).containsExactly(C.toString());
    JsonArray ranges = view.getJsonArray("ranges");
    assertThat(ranges).hasSize(3);
    JsonObject wrappedStart = ranges.getJsonObject(0);
    assertThat(wrappedStart.getString("first")).isEqualTo("10.32.0.0");
    assertThat(wrappedStart.getString("last")).isEqualTo("10.32.255.255");
    assertThat(wrappedStart.getString("owner")).isEqualTo(B.toString());
    assertThat(wrappedStart.getString("token")).isEqualTo("10.40.0.0");
    assertThat(wrappedStart.getLong("free")).isZero();
    assertThat(wrappedStart.getBoolean("reachable")).isFalse();
    JsonObject own = ranges.getJsonObject(1);
    assertThat(own.getString("first")).isEqualTo("10.33.0.0");
    assertThat(own.getString("last")).isEqualTo("10.39.255.255");
    assertThat(own.getLong("offset")).isEqualTo(1L << 16);
    assertThat(own.getJsonArray("cidrs").getList())
        .containsExactly("10.33.0.0/16", "10.34.0.0/15", "10.36.0.0/14");
    assertThat(own.getString("nickname")).isEqualTo("alpha");
    assertThat(own.getBoolean("reachable")).as("this peer is always reachable").isTrue();
    assertThat(own.getLong("version")).isEqualTo(3);
    JsonObject wrappedEnd = ranges.getJsonObject(2);
    assertThat(wrappedEnd.getString("first")).isEqualTo("10.40.0.0");
    assertThat(wrappedEnd.getString("last")).isEqualTo("10.47.255.255");
    assertThat(wrappedEnd.getLong("free")).isEqualTo(200);
  }

  @Test
  void beforeConsensusThereAreNoRanges() {
    JsonObject view = RingView.json(new RingState(UNIVERSE, List.of(), List.of(), Set.of()), A,
        Map.of(), Set.of(), Allocator.Consensus.WAITING);
    assertThat(view.getJsonArray("ranges")).isEmpty();
    assertThat(view.getString("consensus")).isEqualTo("waiting");
    assertThat(view.getInteger("entries")).isZero();
  }

  /**
   * For any ring, the drawn ranges tile the universe in order without gap or overlap, and per
   * owner they add up to what the ring itself says each peer owns and reports free.
   */
  @Property(tries = 2_000, seed = "20261126")
  void rangesTileTheUniverseAndAgreeWithTheRing(@ForAll long seed,
      @ForAll @IntRange(min = 1, max = 40) int entries) {
    SplittableRandom random = new SplittableRandom(seed);
    RingState ring = randomRing(random, entries);
    Set<PeerName> reachable = Set.of(B);
    JsonArray ranges = RingView.json(ring, A, Map.of(), reachable, Allocator.Consensus.ACHIEVED)
        .getJsonArray("ranges");

    long at = UNIVERSE.start();
    Map<PeerName, Long> owned = new TreeMap<>();
    Map<PeerName, Long> free = new TreeMap<>();
    for (int i = 0; i < ranges.size(); i++) {
      JsonObject r = ranges.getJsonObject(i);
      long first = Ip.parse(r.getString("first"));
      long size = r.getLong("size");
      assertThat(first).as("range %d starts where the previous ended (seed %d)", i, seed)
          .isEqualTo(at);
      assertThat(r.getLong("offset")).isEqualTo(first - UNIVERSE.start());
      assertThat(Ip.parse(r.getString("last"))).isEqualTo(first + size - 1);
      long covered = 0;
      for (Object c : r.getJsonArray("cidrs")) {
        Cidr cidr = Cidr.parse((String) c);
        assertThat(cidr.range().start()).isEqualTo(first + covered);
        covered += cidr.size();
      }
      assertThat(covered).isEqualTo(size);
      PeerName owner = PeerName.parse(r.getString("owner"));
      assertThat(r.getBoolean("reachable")).isEqualTo(owner.equals(A) || reachable.contains(owner));
      owned.merge(owner, size, Long::sum);
      free.merge(owner, r.getLong("free"), Long::sum);
      at = first + size;
    }
    assertThat(at).isEqualTo(UNIVERSE.end());
    Ring reference = Ring.restore(A, ring);
    assertThat(owned).isEqualTo(reference.ownedByPeer());
    assertThat(free).isEqualTo(reference.freeByPeer());
  }

  static RingState randomRing(SplittableRandom random, int entries) {
    TreeSet<Long> tokens = new TreeSet<>();
    while (tokens.size() < entries) {
      // Tokens at the very start and end of the universe are the interesting ones.
      long token = switch (random.nextInt(4)) {
        case 0 -> UNIVERSE.start() + random.nextInt(3);
        case 1 -> UNIVERSE.end() - 1 - random.nextInt(3);
        default -> random.nextLong(UNIVERSE.start(), UNIVERSE.end());
      };
      tokens.add(token);
    }
    List<Long> sorted = new ArrayList<>(tokens);
    List<Entry> list = new ArrayList<>();
    PeerName[] peers = {A, B, C};
    for (int i = 0; i < sorted.size(); i++) {
      long next = sorted.get((i + 1) % sorted.size());
      long size = next > sorted.get(i) ? next - sorted.get(i)
          : UNIVERSE.end() - sorted.get(i) + next - UNIVERSE.start();
      list.add(new Entry(sorted.get(i), peers[random.nextInt(peers.length)],
          random.nextInt(1000), random.nextLong(size + 1)));
    }
    return new RingState(UNIVERSE, list, List.of(A, B, C), Set.of());
  }
}
