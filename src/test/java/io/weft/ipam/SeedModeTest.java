package io.weft.ipam;

import static io.weft.ipam.TestCluster.peer;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.net.Cidr;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seed mode ({@code --ipalloc-init seed=A,B,C}): peers launched with the same seed list build the
 * same ring at start without Paxos and allocate at once; a peer launched with another list is
 * refused; persisted state wins over the list given again.
 */
class SeedModeTest {
  private static final List<io.weft.ring.PeerName> SEEDS = List.of(peer(1), peer(2), peer(3));

  @Test
  void peersWithTheSameSeedsAllocateAtOnceAndBuildTheSameRing() {
    TestCluster c = new TestCluster("10.0.0.0/24");
    Allocator a = c.addSeeded(1, SEEDS);
    // Before any message is delivered: the ring is there, split as consensus would split it.
    assertThat(a.consensus()).isEqualTo(Allocator.Consensus.ACHIEVED);
    assertThat(a.ringState().seeds()).containsExactlyElementsOf(SEEDS);
    long first = c.allocate(1, "c1", "10.0.0.0/24");
    assertThat(c.result(first).isOk()).isTrue();
    Allocator b = c.addSeeded(2, SEEDS);
    assertThat(b.ringState()).as("built alone, equal").isEqualTo(
        new Allocator(AllocatorConfig.of(peer(9), 9, "x", Cidr.parse("10.0.0.0/24"), 1, false)
            .withSeeds(SEEDS), new SplittableRandom(9)).ringState());
    long second = c.allocate(2, "c2", "10.0.0.0/24");
    c.addSeeded(3, SEEDS);
    c.settle();
    c.tickAll(10_000);
    c.settle();
    assertThat(c.value(second)).isNotEqualTo(c.value(first));
    assertThat(c.get(1).ringState()).isEqualTo(c.get(2).ringState())
        .isEqualTo(c.get(3).ringState());
  }

  @Test
  void aPeerLaunchedWithAnotherSeedListIsRefused() {
    TestCluster c = new TestCluster("10.0.0.0/24");
    c.addSeeded(1, SEEDS);
    Allocator stranger = c.addSeeded(4, List.of(peer(1), peer(4)));
    c.settle();
    c.tickAll(10_000);
    c.settle();
    Map<io.weft.ring.PeerName, String> refusals = c.get(1).status().refusals();
    assertThat(refusals).as("%s", refusals).containsKey(peer(4));
    assertThat(refusals.get(peer(4))).contains("seeded by different peers");
    assertThat(stranger.status().refusals().get(peer(1))).contains("seeded by different peers");
  }

  @Test
  void persistedStateWinsOverTheSeedListGivenAgain() {
    TestCluster c = new TestCluster("10.0.0.0/24");
    Allocator a = c.add(1, 1, false);
    c.allocate(1, "c1", "10.0.0.0/24"); // consensus alone: a ring seeded by peer 1 only
    c.settle();
    PersistedState disk = a.persistedState();
    Allocator again = Allocator.restore(AllocatorConfig.of(peer(1), 7, "host1",
        Cidr.parse("10.0.0.0/24"), 1, false).withSeeds(SEEDS), new SplittableRandom(7), disk);
    assertThat(again.ringState()).isEqualTo(disk.ring());
    assertThat(again.owned()).containsKey("c1");
  }
}
