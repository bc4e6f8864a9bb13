package io.weft.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.ipam.Allocator;
import io.weft.ipam.AllocatorConfig;
import io.weft.ipam.Outcome;
import io.weft.ipam.PersistedState;
import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.PrefixedAddress;
import io.weft.ring.PeerName;
import io.weft.store.Batch;
import io.weft.store.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart restores exactly what was saved, through the bulk path (one query, the table and the
 * space's bits filled in bulk): a live allocator makes many allocations, claims (inside and
 * outside its range, several per ident, anonymous ones) and frees at random, every outcome goes
 * through the store, and the allocator restored from the store answers every lookup, lists the
 * same owned addresses and hands out the same next addresses as the live one. The seed is
 * printed; {@code -Dweft.restore.seed=N} replays one.
 */
class BulkRestoreTest {
  private static final PeerName SELF = PeerName.parse("0a:00:00:00:00:01");
  private static final Cidr UNIVERSE = Cidr.parse("10.40.0.0/18");

  @Test
  void aStoreWithManyAllocationsRestoresExactly(@TempDir Path dir) {
    long seed = Long.getLong("weft.restore.seed", System.nanoTime());
    System.out.println("BulkRestoreTest seed " + seed + " (replay: -Dweft.restore.seed=" + seed
        + ")");
    SplittableRandom random = new SplittableRandom(seed);
    AllocatorConfig config = AllocatorConfig.of(SELF, 1, "self", UNIVERSE, 1, false)
        .withSeeds(List.of(SELF));
    Allocator live = new Allocator(config, new SplittableRandom(seed));
    List<String> idents = new ArrayList<>();
    long now = 0;
    long request = 0;
    try (Store store = Store.open(dir)) {
      Batch batch = new Batch();
      for (int step = 0; step < 12_000; step++) {
        now += 1;
        int what = random.nextInt(100);
        Outcome out;
        if (what < 60 || idents.isEmpty()) {
          String ident = random.nextInt(10) == 0 ? "_" : "c" + random.nextInt(8_000);
          idents.add(ident);
          Cidr subnet = random.nextInt(5) == 0 ? Cidr.parse("10.40.32.0/20") : UNIVERSE;
          out = live.allocate(now, ++request, ident, subnet, random.nextBoolean());
        } else if (what < 75) {
          String ident = "claim" + random.nextInt(1_500);
          idents.add(ident);
          boolean outside = random.nextInt(10) == 0;
          long address = outside ? Ip.parse("192.168.0.0") + random.nextInt(65_536)
              : UNIVERSE.address() + 1 + random.nextInt(16_382);
          out = live.claim(now, ++request, ident,
              new PrefixedAddress(address, outside ? 24 : 18), true, false);
        } else if (what < 95) {
          String ident = idents.get(random.nextInt(idents.size()));
          List<PrefixedAddress> held = live.lookup(ident, null);
          if (held.isEmpty()) {
            continue;
          }
          out = live.free(now, ++request, ident,
              held.get(random.nextInt(held.size())).address());
        } else {
          out = live.delete(now, ++request, idents.get(random.nextInt(idents.size())));
        }
        StateCodec.write(out, batch);
        if (random.nextInt(500) == 0) {
          batch.seal();
          store.commit(batch);
          batch = new Batch();
        }
      }
      batch.seal();
      store.commit(batch);
      live.assertInvariants();
      assertThat(live.persistedState().allocations()).as("allocations made (seed %d)", seed)
          .hasSizeGreaterThan(3_000);

      PersistedState saved = StateCodec.load(store, UNIVERSE);
      Allocator restored = Allocator.restore(config, new SplittableRandom(seed), saved);

      restored.assertInvariants();
      assertThat(saved.allocations()).as("rows read (seed %d)", seed)
          .containsExactlyInAnyOrderElementsOf(live.persistedState().allocations());
      assertThat(restored.owned()).as("owned list (seed %d)", seed).isEqualTo(sorted(live));
      for (String ident : idents) {
        assertThat(restored.lookup(ident, null)).as("lookup %s (seed %d)", ident, seed)
            .containsExactlyInAnyOrderElementsOf(live.lookup(ident, null));
      }
      assertThat(restored.status().toString()).isEqualTo(live.status().toString());
      // The space's bits: both hand out the same lowest free addresses, holes first, until
      // the range is full (an address used but marked free, or the reverse, shows here).
      for (int i = 0; ; i++) {
        Outcome a = live.allocate(now, ++request, "next" + i, UNIVERSE, true);
        Outcome b = restored.allocate(now, request, "next" + i, UNIVERSE, true);
        assertThat(b.added()).as("allocation %d after the restart (seed %d)", i, seed)
            .isEqualTo(a.added());
        if (a.added().isEmpty()) {
          break;
        }
      }
      assertThat(restored.persistedState().allocations().size())
          .isEqualTo(live.persistedState().allocations().size());
    }
  }

  /** The live allocator's owned list in the restored one's order: idents by address. */
  private static java.util.Map<String, List<PrefixedAddress>> sorted(Allocator live) {
    java.util.Map<String, List<PrefixedAddress>> byIdent = new java.util.LinkedHashMap<>();
    live.persistedState().allocations().stream()
        .sorted(java.util.Comparator.comparingLong(a -> a.address().address()))
        .forEach(a -> byIdent.computeIfAbsent(a.ident(), i -> new ArrayList<>())
            .add(a.address()));
    return byIdent;
  }
}
