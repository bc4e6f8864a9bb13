package io.weft.ring;

import static io.weft.ring.Rings.PEER1;
import static io.weft.ring.Rings.PEER2;
import static io.weft.ring.Rings.PEER3;
import static io.weft.ring.Rings.SMALL;
import static io.weft.ring.Rings.ip;
import static io.weft.ring.Rings.ring;
import static io.weft.ring.Rings.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.net.Cidr;
import io.weft.net.Range;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RingMergeTest {
  static final long MIDDLE = ip("10.0.0.128");

  /** A ring of ours whose own ranges count as allocated. */
  static boolean allocated(Range r) {
    return true;
  }

  @Test
  void mergingAGrantBothWaysConverges() throws Exception {
    Ring r1 = ring(PEER1);
    r1.claimForPeers(List.of(PEER1));
    r1.grantRangeToHost(MIDDLE, SMALL.end(), PEER2);
    Ring r2 = ring(PEER2);
    MergeResult first = r2.merge(r1.state(), Rings::noAllocations);
    assertThat(first.updated()).isTrue();
    assertThat(first.gained()).containsExactly(new Range(MIDDLE, SMALL.end()));
    r2.grantRangeToHost(ip("10.0.0.200"), SMALL.end(), PEER1);
    MergeResult back = r1.merge(r2.state(), Rings::noAllocations);
    assertThat(back.gained()).containsExactly(new Range(ip("10.0.0.200"), SMALL.end()));
    assertThat(r1.entries()).isEqualTo(r2.entries());
    assertThat(r1.merge(r2.state(), Rings::noAllocations).changed()).isFalse();
    assertThat(r2.merge(r1.state(), Rings::noAllocations).changed()).isFalse();
  }

  @Test
  void mergeIntoAnEmptyRingAdoptsSeedsAndEntries() throws Exception {
    Ring seeded = ring(PEER1);
    seeded.claimForPeers(List.of(PEER1, PEER2));
    Ring empty = ring(PEER3);
    assertThat(empty.merge(seeded.state(), Rings::noAllocations).updated()).isTrue();
    assertThat(empty.seeds()).containsExactly(PEER1, PEER2);
    assertThat(empty.entries()).isEqualTo(seeded.entries());
  }

  @Test
  void mergingAnEmptyRingChangesNothing() throws Exception {
    Ring seeded = ring(PEER1);
    seeded.claimForPeers(List.of(PEER1, PEER2));
    MergeResult result = seeded.merge(ring(PEER2).state(), Rings::noAllocations);
    assertThat(result.changed()).isFalse();
    assertThat(seeded.ownedRanges()).containsExactly(new Range(SMALL.start(), MIDDLE));
  }

  @Test
  void mergingAnOlderRingBackIsNotAnError() throws Exception {
    Ring r1 = ring(PEER1);
    r1.claimForPeers(List.of(PEER1));
    RingState old = r1.state();
    r1.grantRangeToHost(MIDDLE, SMALL.end(), PEER2);
    Ring r2 = ring(PEER2);
    r2.merge(r1.state(), Rings::noAllocations);
    assertThat(r2.merge(old, Rings::noAllocations).changed()).isFalse();
    assertThat(r1.merge(old, RingMergeTest::allocated).changed()).isFalse();
  }

  @Test
  void differentSeedsAreRefusedWithTheDocumentedMessage() {
    Ring a = ring(PEER1);
    a.claimForPeers(List.of(PEER1));
    Ring b = ring(PEER2);
    b.claimForPeers(List.of(PEER2));
    assertThatThrownBy(() -> a.merge(b.state(), Rings::noAllocations))
        .isInstanceOf(RingConflictException.class)
        .hasMessage("IP allocation was seeded by different peers (received: [" + PEER2
            + "], ours: [" + PEER1 + "])")
        .extracting(e -> ((RingConflictException) e).kind())
        .isEqualTo(RingConflictException.Kind.DIFFERENT_SEEDS);
    assertThat(a.ownedRanges()).containsExactly(SMALL);
  }

  @Test
  void differentUniversesAreRefusedWithTheDocumentedMessage() {
    Ring a = new Ring(Cidr.parse("10.32.0.0/12").range(), PEER1);
    Ring b = new Ring(Cidr.parse("10.2.0.0/16").range(), PEER2);
    b.claimForPeers(List.of(PEER2));
    assertThatThrownBy(() -> a.merge(b.state(), Rings::noAllocations))
        .hasMessage("Incompatible IP allocation ranges (received: 10.2.0.0/16, ours: 10.32.0.0/12)");
  }

  @Test
  void invalidRingsAreRefused() {
    Ring a = ring(PEER1);
    a.claimForPeers(List.of(PEER1));
    RingState unsorted = state(SMALL, List.of(PEER1), new Entry(ip("10.0.0.9"), PEER2, 1, 0),
        new Entry(ip("10.0.0.8"), PEER2, 1, 0));
    assertThatThrownBy(() -> a.merge(unsorted, Rings::noAllocations))
        .hasMessageContaining("ring not sorted");
  }

  @Test
  void sameVersionDifferentOwnerIsRepairedWithoutAllocationsAndRefusedWithThem() throws Exception {
    Ring mine = ring(PEER1);
    mine.claimForPeers(List.of(PEER1));
    RingState theirs = state(SMALL, List.of(PEER1), new Entry(SMALL.start(), PEER2, 0, 256));
    assertThatThrownBy(() -> mine.merge(theirs, RingMergeTest::allocated))
        .hasMessage("Inconsistent entries for 10.0.0.0: owned by " + PEER1
            + " but incoming message says " + PEER2);
    // Without allocations the tie-break decides: equal free, the larger peer name wins.
    MergeResult result = mine.merge(theirs, Rings::noAllocations);
    assertThat(result.lost()).containsExactly(SMALL);
    assertThat(mine.owner(SMALL.start())).contains(PEER2);
  }

  @Test
  void newerVersionOfOurOwnEntryIsReimposed() throws Exception {
    Ring mine = ring(PEER1);
    mine.claimForPeers(List.of(PEER1));
    RingState theirs = state(SMALL, List.of(PEER1), new Entry(SMALL.start(), PEER1, 5, 200));
    MergeResult result = mine.merge(theirs, RingMergeTest::allocated);
    assertThat(result.reimposed()).isTrue();
    assertThat(mine.entries()).containsExactly(new Entry(SMALL.start(), PEER1, 6, 256));
  }

  @Test
  void newerVersionGivingOurRangeAwayNeedsItToBeEmpty() throws Exception {
    Ring mine = ring(PEER1);
    mine.claimForPeers(List.of(PEER1));
    RingState theirs = state(SMALL, List.of(PEER1), new Entry(SMALL.start(), PEER2, 1, 256));
    assertThatThrownBy(() -> mine.merge(theirs, RingMergeTest::allocated))
        .hasMessage("Received update for IP range I own at 10.0.0.0 v0: incoming message says owner "
            + PEER2 + " v1");
    assertThat(mine.merge(theirs, Rings::noAllocations).lost()).containsExactly(SMALL);
  }

  @Test
  void aTokenSplittingOurRangeNeedsTheSplitOffPartToBeEmpty() throws Exception {
    Ring mine = ring(PEER1);
    mine.claimForPeers(List.of(PEER1));
    RingState theirs = state(SMALL, List.of(PEER1), new Entry(SMALL.start(), PEER1, 0, 128),
        new Entry(MIDDLE, PEER2, 0, 128));
    Range upper = new Range(MIDDLE, SMALL.end());
    assertThatThrownBy(() -> mine.merge(theirs, r -> r.overlaps(upper)))
        .hasMessage("Peer " + PEER2 + " says it owns the IP range from 10.0.0.128, which I think I own");
    MergeResult result = mine.merge(theirs, r -> !r.overlaps(upper));
    assertThat(result.lost()).containsExactly(upper);
    assertThat(mine.entries().get(0).free()).isEqualTo(128);
  }

  @Test
  void aTombstonedPeerCannotTakeItsRangesBack() throws Exception {
    Ring survivor = ring(PEER1);
    survivor.claimForPeers(List.of(PEER1, PEER2));
    RingState beforeRemoval = survivor.state();
    survivor.transfer(PEER2, PEER1, true);
    // The removed peer edits its entry many times while away: version 500 > 100.
    RingState stale = state(SMALL, List.of(PEER1, PEER2), new Entry(SMALL.start(), PEER1, 0, 128),
        new Entry(MIDDLE, PEER2, 500, 3));
    assertThat(survivor.merge(stale, RingMergeTest::allocated).changed()).isFalse();
    assertThat(survivor.ownedRanges()).containsExactly(SMALL);
    Ring removed = Ring.restore(PEER2, beforeRemoval);
    assertThatThrownBy(() -> removed.merge(survivor.state(), Rings::noAllocations))
        .isInstanceOf(RingConflictException.class).hasMessageContaining("removed with rmpeer");
  }

  @Test
  void aLiveOwnerBeatsARemovedOneFromEitherSide() throws Exception {
    RingState takenOver = state(SMALL, List.of(PEER1, PEER2), new Entry(SMALL.start(), PEER1, 0,
        128), new Entry(MIDDLE, PEER1, 100, 128));
    RingState staleWithTombstone = new RingState(SMALL, List.of(new Entry(SMALL.start(), PEER1, 0,
        128), new Entry(MIDDLE, PEER2, 101, 128)), List.of(PEER1, PEER2), Set.of(PEER2));
    Ring third = Ring.restore(PEER3, staleWithTombstone);
    assertThat(third.merge(takenOver, Rings::noAllocations).updated()).isTrue();
    assertThat(third.owner(MIDDLE)).contains(PEER1);
    Ring first = Ring.restore(PEER1, new RingState(SMALL, takenOver.entries(), takenOver.seeds(),
        Set.of(PEER2)));
    assertThat(first.merge(staleWithTombstone, Rings::noAllocations).changed()).isFalse();
  }

  @Test
  void anHeirGainsTheRangesOfAResetPeer() throws Exception {
    Ring leaving = ring(PEER2);
    leaving.claimForPeers(List.of(PEER1, PEER2));
    Ring heir = ring(PEER1);
    heir.merge(leaving.state(), Rings::noAllocations);
    leaving.transfer(PEER2, PEER1, false);
    MergeResult result = heir.merge(leaving.state(), RingMergeTest::allocated);
    assertThat(result.gained()).containsExactly(new Range(MIDDLE, SMALL.end()));
    assertThat(heir.ownedRanges()).containsExactly(SMALL);
    assertThat(heir.removed()).isEqualTo(Set.of());
  }
}
