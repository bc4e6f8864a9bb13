package io.weft.ipam;

import static io.weft.ipam.TestCluster.peer;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.PrefixedAddress;
import io.weft.ring.RingState;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The scenarios of Weave Net's allocator tests, on the pure state machine. */
class AllocatorTest {

  @Test
  void allocFreeInSubnetsIdempotenceDeathAndGrace() {
    TestCluster c = new TestCluster("10.0.3.0/26");
    Allocator a = c.add(1, 1, false);
    assertThat(c.value(c.allocate(1, "c1", "10.0.3.0/28"))).isEqualTo("10.0.3.1/28");
    assertThat(c.value(c.allocate(1, "c1", "10.0.3.32/28"))).isEqualTo("10.0.3.33/28");
    assertThat(a.lookup("c1", null)).extracting(Object::toString)
        .containsExactly("10.0.3.1/28", "10.0.3.33/28");
    assertThat(c.value(c.allocate(1, "c2", "10.0.3.0/28"))).isEqualTo("10.0.3.2/28");
    assertThat(c.value(c.allocate(1, "c1", "10.0.3.0/28"))).isEqualTo("10.0.3.1/28");
    c.apply(peer(1), a.delete(c.nowMs, 99, "c1"));
    assertThat(c.value(99)).isEqualTo("10.0.3.1/28 10.0.3.33/28");
    assertThat(c.value(c.allocate(1, "c3", "10.0.3.0/28"))).isEqualTo("10.0.3.1/28");
    c.apply(peer(1), a.containerDied(c.nowMs, "c3"));
    assertThat(c.value(c.allocate(1, "c3", "10.0.3.0/28"))).isEqualTo("10.0.3.1/28");
    c.apply(peer(1), a.containerDied(c.nowMs, "c2"));
    c.tickAll(29_000);
    assertThat(a.lookup("c2", null)).hasSize(1);
    c.tickAll(2_000);
    assertThat(a.lookup("c2", null)).isEmpty();
    assertThat(a.lookup("c3", null)).hasSize(1);
    assertThat(a.status().activeAddresses()).isEqualTo(1);
    assertThat(a.idents()).as("what /status counts CNI attachments from").containsExactly("c3");
  }

  /**
   * Weave's idempotence: an ident holding an address anywhere inside the subnet asked for gets
   * that address back, with the prefix asked for, even if it was given in another subnet.
   */
  @Test
  void anAddressInsideAnOverlappingSubnetIsTheAnswerThere() {
    TestCluster c = new TestCluster("10.0.3.0/24");
    Allocator a = c.add(1, 1, false);
    assertThat(c.value(c.allocate(1, "c5", "10.0.3.0/24"))).isEqualTo("10.0.3.1/24");
    assertThat(c.value(c.allocate(1, "c5", "10.0.3.0/26"))).isEqualTo("10.0.3.1/26");
    assertThat(c.value(c.allocate(1, "c6", "10.0.3.64/30"))).isEqualTo("10.0.3.65/30");
    assertThat(c.value(c.allocate(1, "c6", "10.0.3.64/29"))).isEqualTo("10.0.3.65/29");
    assertThat(c.value(c.allocate(1, "c6", "10.0.3.128/26"))).as("no address of c6 there")
        .isEqualTo("10.0.3.129/26");
    assertThat(a.lookup("c5", null)).as("one address, held as given")
        .extracting(Object::toString).containsExactly("10.0.3.1/24");
    assertThat(a.status().activeAddresses()).isEqualTo(3);
  }

  /** A lookup in a subnet lists its hosts: not its network or broadcast address (Weave). */
  @Test
  void aLookupInASubnetListsOnlyItsHosts() {
    TestCluster c = new TestCluster("10.0.3.0/24");
    Allocator a = c.add(1, 1, false);
    c.value(c.claim(1, "c7", "10.0.3.64/24"));
    c.value(c.claim(1, "c7", "10.0.3.65/24"));
    c.value(c.claim(1, "c7", "10.0.3.127/24"));
    assertThat(a.lookup("c7", Cidr.parse("10.0.3.64/26"))).extracting(Object::toString)
        .containsExactly("10.0.3.65/24");
    assertThat(a.lookup("c7", Cidr.parse("10.0.3.0/24"))).hasSize(3);
    assertThat(a.lookup("c7", Cidr.parse("10.0.3.65/32"))).as("a /32 is its one address")
        .extracting(Object::toString).containsExactly("10.0.3.65/24");
  }

  @Test
  void anOutcomeCarriesTheRingToPersistOnlyWhenTheRingChanged() {
    TestCluster c = new TestCluster("10.0.3.0/26");
    Allocator a = c.add(1, 1, false);
    c.value(c.allocate(1, "c1", "10.0.3.0/26"));
    Outcome outside = a.claim(c.nowMs, 50, "x", PrefixedAddress.parse("192.168.1.1/24"), false,
        false);
    assertThat(outside.persist()).as("a new allocation row").isTrue();
    assertThat(outside.ring()).as("the ring did not change").isNull();
    assertThat(outside.paxos()).as("no Paxos once a ring exists").isNull();
    c.apply(peer(1), outside);
    Outcome inside = a.allocate(c.nowMs, 51, "c2", Cidr.parse("10.0.3.0/26"), false);
    assertThat(inside.ring()).as("this peer's free count changed").isEqualTo(a.ringState());
    c.apply(peer(1), inside);
  }

  @Test
  void outOfRangeSubnetsAreRefusedAtOnce() {
    TestCluster c = new TestCluster("10.0.3.0/26");
    c.add(1, 1, false);
    Result r = c.result(c.allocate(1, "c1", "192.168.0.0/24"));
    assertThat(r.code()).isEqualTo(ResultCode.BAD_REQUEST);
    assertThat(r.value()).contains("out of bounds");
  }

  @Test
  void aFullSubnetThatOnlyThisPeerOwnsIsRefusedInsteadOfWaitingForever() {
    TestCluster c = new TestCluster("10.0.3.0/26");
    c.add(1, 1, false);
    assertThat(c.value(c.allocate(1, "c1", "10.0.3.4/30"))).isEqualTo("10.0.3.5/30");
    assertThat(c.value(c.allocate(1, "c2", "10.0.3.4/30"))).isEqualTo("10.0.3.6/30");
    Result full = c.result(c.allocate(1, "c3", "10.0.3.4/30"));
    assertThat(full.code()).isEqualTo(ResultCode.CONFLICT);
    assertThat(full.value()).contains("no free address in 10.0.3.4/30");

    // With a second peer owning part of the universe, a full range of ours may still get space.
    TestCluster two = new TestCluster("10.0.4.0/30");
    two.add(1, 2, false);
    two.add(2, 2, false);
    two.settle();
    long first = two.allocate(1, "c1", "10.0.4.0/30");
    two.settle();
    two.tickAll(1_000);
    assertThat(two.value(first)).isNotNull();
    long waits = two.allocate(1, "c2", "10.0.4.0/30");
    two.settle();
    two.tickAll(1_000);
    assertThat(two.result(waits) == null || two.result(waits).isOk()).isTrue();
  }

  @Test
  void bootstrapWaitsForQuorumThenAllocates() {
    TestCluster c = new TestCluster("10.0.4.0/22");
    Allocator a = c.add(1, 2, false);
    long id = c.allocate(1, "c1", "10.0.4.0/22");
    assertThat(c.result(id)).isNull();
    assertThat(a.consensus()).isEqualTo(Allocator.Consensus.WAITING);
    c.settle();
    assertThat(c.result(id)).isNull();
    Allocator b = c.add(2, 2, false);
    c.settle();
    c.tickAll(1_000);
    assertThat(c.value(id)).isEqualTo("10.0.4.1/22");
    assertThat(a.consensus()).isEqualTo(Allocator.Consensus.ACHIEVED);
    assertThat(b.consensus()).isEqualTo(Allocator.Consensus.ACHIEVED);
    assertThat(a.ringState().seeds()).containsExactly(peer(1), peer(2));
  }

  @Test
  void deferredUntilTheFirstRequestAndPrimeWaitsForTheRing() {
    TestCluster c = new TestCluster("10.0.4.0/22");
    Allocator a = c.add(1, 2, false);
    c.add(2, 2, false);
    c.settle();
    assertThat(a.consensus()).isEqualTo(Allocator.Consensus.DEFERRED);
    c.apply(peer(1), a.prime(c.nowMs, 50));
    c.settle();
    c.tickAll(1_000);
    assertThat(c.value(50)).isEqualTo("achieved");
  }

  @Test
  void anObserverMakesElectorsStartAndBlocksUntilTwoElectorsAgree() {
    TestCluster c = new TestCluster("10.0.4.0/22");
    c.add(1, 2, false);
    Allocator observer = c.add(9, 0, true);
    long id = c.allocate(9, "c1", "10.0.4.0/22");
    c.tickAll(1_000);
    c.tickAll(1_000);
    assertThat(c.result(id)).isNull();
    assertThat(observer.consensus()).isEqualTo(Allocator.Consensus.WAITING);
    c.add(2, 2, false);
    for (int i = 0; i < 5; i++) {
      c.tickAll(1_000);
    }
    assertThat(c.value(id)).startsWith("10.0.");
    assertThat(observer.ringState().seeds()).doesNotContain(peer(9));
  }

  @Test
  void aLateJoinerGetsTheRingAndBorrowsTheUpperHalf() {
    TestCluster c = new TestCluster("10.32.0.0/12");
    Allocator first = c.add(1, 1, false);
    long id = c.allocate(1, "c1", "10.32.0.0/12");
    c.apply(peer(1), first.delete(c.nowMs, 1000, "c1"));
    assertThat(c.value(id)).isEqualTo("10.32.0.1/12");
    Allocator second = c.add(2, 2, false);
    c.settle();
    long id2 = c.allocate(2, "c2", "10.32.0.0/12");
    c.settle();
    // Lowest free in the host range of the /12: the donated /13 starts at 10.40.0.0.
    assertThat(c.value(id2)).isEqualTo("10.40.0.0/12");
    assertThat(first.ringState().entries()).hasSize(2);
    assertThat(io.weft.ring.Ring.restore(peer(2), second.ringState()).ownedRanges())
        .containsExactly(Cidr.parse("10.40.0.0/13").range());
  }

  @Test
  void twoPeersAllocatingOnceDoNotFragmentTheRing() {
    TestCluster c = new TestCluster("10.0.0.0/22");
    c.add(1, 2, false);
    c.add(2, 2, false);
    c.add(3, 2, false);
    long a = c.allocate(2, "c1", "10.0.0.0/22");
    c.tickAll(1_000);
    long b = c.allocate(3, "c2", "10.0.0.0/22");
    c.tickAll(1_000);
    c.value(a);
    c.value(b);
    RingState ring = c.get(3).ringState();
    assertThat(ring.entries().size()).isLessThan(6);
  }

  @Test
  void claimsFollowTheOriginalRules() {
    TestCluster c = new TestCluster("10.0.3.0/24");
    Allocator a = c.add(1, 1, false);
    assertThat(c.value(c.claim(1, "c1", "10.0.3.5/24"))).isEqualTo("10.0.3.5/24");
    assertThat(c.value(c.allocate(1, "c2", "10.0.3.0/24"))).isEqualTo("10.0.3.1/24");
    assertThat(c.value(c.claim(1, "c1", "10.0.3.5/24"))).isEqualTo("10.0.3.5/24");
    Result taken = c.result(c.claim(1, "c3", "10.0.3.5/24"));
    assertThat(taken.code()).isEqualTo(ResultCode.CONFLICT);
    assertThat(taken.value()).isEqualTo("address 10.0.3.5/24 is already owned by c1");
    assertThat(c.value(c.claim(1, "_", "10.0.3.5/24"))).isEqualTo("10.0.3.5/24");
    assertThat(c.value(c.claim(1, "_", "10.0.3.9/24"))).isEqualTo("10.0.3.9/24");
    Result anonymous = c.result(c.claim(1, "c4", "10.0.3.9/24"));
    assertThat(anonymous.value()).isEqualTo("address 10.0.3.9/24 already in use");
    assertThat(c.value(c.claim(1, "c5", "10.0.4.2/24"))).isEqualTo("10.0.4.2/24");
    assertThat(c.result(c.claim(1, "c6", "10.0.4.2/24")).value())
        .isEqualTo("address 10.0.4.2/24 already in use by c5");
    assertThat(c.value(c.allocate(1, "c7", "10.0.3.0/24"))).isEqualTo("10.0.3.2/24");
    assertThat(a.owned()).containsKeys("c1", "c2", "10.0.3.9", "c5", "c7");
  }

  /**
   * Weave's noErrorOnUnknown: while no ring says who owns the address, such a claim is answered
   * "ok" at once (and kept, to be made once the ring exists); without it the claim waits.
   */
  @Test
  void noErrorOnUnknownAnswersAClaimBeforeAnyRingExists() {
    TestCluster c = new TestCluster("10.0.3.0/24");
    Allocator a = c.add(1, 2, false); // quorum 2, alone: no ring for now
    long plain = c.claim(1, "c1", "10.0.3.5/24", false);
    long flagged = c.claim(1, "c2", "10.0.3.6/24", true);
    c.tickAll(1_000);
    assertThat(c.result(plain)).as("waits for the ring").isNull();
    assertThat(c.value(flagged)).isEqualTo("10.0.3.6/24");
    assertThat(a.ringState().entries()).isEmpty();
    c.add(2, 2, false);
    c.settle();
    c.tickAll(1_000);
    assertThat(c.value(plain)).isEqualTo("10.0.3.5/24");
    assertThat(a.lookup("c2", null)).as("made once the ring exists").extracting(Object::toString)
        .containsExactly("10.0.3.6/24");
  }

  /** With an unreachable owner, a claim fails after a few tries; with the flag it keeps waiting. */
  @Test
  void noErrorOnUnknownAnswersAClaimOnAnUnreachableOwnerAtOnceAndKeepsAsking() {
    TestCluster c = new TestCluster("10.0.3.0/24");
    c.add(1, 2, false);
    c.add(2, 2, false);
    c.value(allocated(c, 1, "c0", "10.0.3.0/24"));
    String elsewhere = c.get(2).ringState().entries().stream()
        .filter(e -> e.peer().equals(peer(2))).findFirst().map(e -> Ip.format(e.token() + 7))
        .orElseThrow() + "/24";
    Allocator owner = c.peers.remove(peer(2)); // unreachable until put back
    c.apply(peer(1), c.get(1).memberLeft(c.nowMs, peer(2)));
    long plain = c.claim(1, "c1", elsewhere, false);
    long flagged = c.claim(1, "c2", elsewhere, true);
    assertThat(c.result(flagged)).as("Weave: the caller is not kept waiting")
        .isEqualTo(Result.ok(elsewhere));
    for (int i = 0; i < 30; i++) {
      c.tickAll(1_000);
    }
    assertThat(c.result(plain).code()).isEqualTo(ResultCode.CONFLICT);
    assertThat(c.result(plain).value()).contains("unreachable");
    assertThat(c.get(1).lookup("c2", null)).as("not given yet: the owner is away").isEmpty();
    c.peers.put(peer(2), owner);
    c.apply(peer(1), c.get(1).memberJoined(c.nowMs, peer(2)));
    for (int i = 0; i < 10 && c.get(1).lookup("c2", null).isEmpty(); i++) {
      c.tickAll(1_000);
    }
    assertThat(c.get(1).lookup("c2", null)).as("the claim went on in the background")
        .extracting(PrefixedAddress::toString).containsExactly(elsewhere);
  }

  /**
   * A peer back from an old copy of its state allocates in a range it had since split and given
   * away: a ring naming that split (our entry at .128, peer 2's at .192) takes .192/26 from us
   * with the address in it, and the address is reported freed, the reason naming the peer.
   */
  @Test
  void anAddressDroppedByAMergeIsReportedFreedNamingThePeer() {
    TestCluster c = new TestCluster("10.0.3.0/24");
    Allocator a = c.add(1, 1, false);
    assertThat(c.value(c.claim(1, "c1", "10.0.3.200/24"))).isEqualTo("10.0.3.200/24");
    assertThat(c.value(c.claim(1, "c2", "10.0.3.100/24"))).isEqualTo("10.0.3.100/24");
    RingState ours = a.ringState();
    io.weft.ring.Entry first = ours.entries().get(0);
    long base = c.universe.range().start();
    assertThat(ours.entries()).singleElement().extracting(io.weft.ring.Entry::token)
        .isEqualTo(base);
    // A newer version of our own entry, as peer 2 may hold it from before our restart.
    RingState theirs = new RingState(ours.universe(), List.of(
        new io.weft.ring.Entry(base, peer(1), first.version() + 1, 0),
        new io.weft.ring.Entry(base + 128, peer(1), 1, 0),
        new io.weft.ring.Entry(base + 192, peer(2), 1, 0)), ours.seeds(), Set.of());
    Outcome out = a.receive(c.nowMs, new Message.RingUpdate(peer(2), theirs));
    assertThat(out.events()).filteredOn(e -> e.type() == EventType.FREED)
        .singleElement().satisfies(e -> {
          assertThat(e.id()).isEqualTo("c1");
          assertThat(e.address()).isEqualTo("10.0.3.200/24");
          assertThat(e.reason()).contains("merge").contains(peer(2).toString());
        });
    assertThat(out.persist()).isTrue();
    assertThat(a.lookup("c1", null)).isEmpty();
    assertThat(a.lookup("c2", null)).as("kept: still ours").hasSize(1);
  }

  @Test
  void claimsOfAddressesOwnedElsewhereAskTheOwner() {
    TestCluster c = new TestCluster("10.0.3.0/24");
    c.add(1, 2, false);
    c.add(2, 2, false);
    long first = c.allocate(1, "c1", "10.0.3.0/24");
    c.tickAll(1_000);
    c.value(first);
    long used = c.allocate(2, "c2", "10.0.3.128/25");
    c.tickAll(1_000);
    assertThat(c.value(used)).isEqualTo("10.0.3.129/25");
    long free = c.claim(1, "c3", "10.0.3.200/24");
    c.settle();
    assertThat(c.value(free)).isEqualTo("10.0.3.200/24");
    long taken = c.claim(1, "c4", "10.0.3.129/24");
    c.settle();
    assertThat(c.result(taken).value()).startsWith("address 10.0.3.129/24 is owned by other peer "
        + peer(2));
  }

  @Test
  void deathCancelsWaitingRequestsAndShutdownRefusesNewOnes() {
    TestCluster c = new TestCluster("10.0.3.0/29");
    Allocator a = c.add(1, 2, false);
    long one = c.allocate(1, "c1", "10.0.3.0/29");
    long two = c.allocate(1, "c1", "10.0.3.0/29");
    c.apply(peer(1), a.containerDied(c.nowMs, "c1"));
    assertThat(c.result(one).value()).contains("cancelled");
    assertThat(c.result(two).code()).isEqualTo(ResultCode.UNAVAILABLE);
    long waiting = c.allocate(1, "c2", "10.0.3.0/29");
    c.apply(peer(1), a.cancel(waiting));
    assertThat(c.result(waiting).value()).contains("cancelled");
    c.apply(peer(1), a.shutdown(c.nowMs));
    assertThat(c.result(c.allocate(1, "c3", "10.0.3.0/29")).code())
        .isEqualTo(ResultCode.UNAVAILABLE);
  }

  @Test
  void rmpeerTakesOverDeadPeersAndRefusesLiveOnes() {
    TestCluster c = new TestCluster("10.0.0.0/22");
    Allocator a = c.add(1, 2, false);
    Allocator b = c.add(2, 2, false);
    c.add(3, 2, false);
    c.value(allocated(c, 2, "c2"));
    c.value(allocated(c, 3, "c3"));
    c.apply(peer(1), a.rmpeer(c.nowMs, 70, "host2", false));
    assertThat(c.result(70).code()).isEqualTo(ResultCode.CONFLICT);
    c.peers.remove(peer(2));
    c.peers.remove(peer(3));
    c.apply(peer(1), a.memberLeft(c.nowMs, peer(2)));
    c.apply(peer(1), a.memberLeft(c.nowMs, peer(3)));
    c.apply(peer(1), a.rmpeer(c.nowMs, 71, "host2", false));
    c.apply(peer(1), a.rmpeer(c.nowMs, 72, peer(3).toString(), false));
    long taken = Long.parseLong(c.value(71).split(" ")[0])
        + Long.parseLong(c.value(72).split(" ")[0]);
    assertThat(c.value(71)).contains("IPs taken over from " + peer(2) + "(host2)");
    assertThat(taken).isPositive();
    assertThat(io.weft.ring.Ring.restore(peer(1), a.ringState()).ownedRanges())
        .containsExactly(Cidr.parse("10.0.0.0/22").range());
    assertThat(c.result(c.allocate(1, "c9", "10.0.2.0/23")).value()).startsWith("10.0.2.");
    assertThat(a.ringState().removed()).containsExactlyInAnyOrder(peer(2), peer(3));
    c.apply(peer(1), a.rmpeer(c.nowMs, 73, "nobody", false));
    assertThat(c.result(73).code()).isEqualTo(ResultCode.NOT_FOUND);
    Outcome stranger = a.rmpeer(c.nowMs, 74, "00:00:00:00:00:09", false);
    assertThat(stranger.persist()).as("nothing to record of a name never met").isFalse();
    c.apply(peer(1), stranger);
    assertThat(c.value(74)).isEqualTo("0 IPs taken over from 00:00:00:00:00:09");
    assertThat(a.ringState().removed()).containsExactlyInAnyOrder(peer(2), peer(3));

    // The removed peer comes back with its old state: once a ring says it was removed, it
    // allocates no more from the ranges that are now peer 1's (an address could be given twice).
    b.receive(c.nowMs, new Message.RingUpdate(peer(1), a.ringState()));
    Outcome refused = b.allocate(c.nowMs, 74, "again", Cidr.parse("10.0.0.0/22"), true);
    assertThat(refused.completions()).singleElement().satisfies(done -> {
      assertThat(done.result().code()).isEqualTo(ResultCode.UNAVAILABLE);
      assertThat(done.result().value()).contains("removed with rmpeer");
    });
  }

  @Test
  void differentSeedsAreRefusedAndReported() {
    TestCluster left = new TestCluster("10.0.0.0/22");
    Allocator a = left.add(1, 1, false);
    left.value(left.allocate(1, "c1", "10.0.0.0/22"));
    TestCluster right = new TestCluster("10.0.0.0/22");
    Allocator b = right.add(2, 1, false);
    right.value(right.allocate(2, "c2", "10.0.0.0/22"));
    Outcome out = a.receive(0, b.gossip());
    assertThat(a.status().refusals().get(peer(2))).startsWith("IP allocation was seeded by different peers");
    assertThat(out.events()).extracting(Outcome.Event::type).containsExactly(EventType.MERGE_REFUSED);
    assertThat(a.lookup("c1", null)).extracting(Object::toString).containsExactly("10.0.0.1/22");
  }

  @Test
  void peersLaunchedWithDifferentCountsAreWarnedAbout() {
    TestCluster c = new TestCluster("10.0.0.0/22");
    Allocator a = c.add(1, 2, false);
    Allocator b = c.add(2, 3, false);
    Outcome out = a.receive(0, b.gossip());
    assertThat(out.events()).extracting(Outcome.Event::type).containsExactly(EventType.QUORUM_MISMATCH);
    assertThat(a.status().quorumWarnings()).singleElement().asString()
        .contains("uses quorum 3, this peer 2");
    assertThat(a.receive(0, b.gossip()).events()).isEmpty();
    Allocator third = c.add(3, 2, false);
    c.tickAll(6_000);
    assertThat(third.status().quorumWarnings()).singleElement().asString().contains(peer(2).toString());
  }

  @Test
  void peerCountsThatGiveTheSameQuorumAreWarnedAboutToo() {
    TestCluster c = new TestCluster("10.0.0.0/22");
    Allocator a = c.addCounted(1, 2);
    Allocator b = c.addCounted(2, 3);
    Outcome out = a.receive(0, b.gossip());
    assertThat(out.events()).extracting(Outcome.Event::type).containsExactly(EventType.QUORUM_MISMATCH);
    assertThat(a.status().quorumWarnings()).singleElement().asString()
        .contains("uses quorum 2 of 3 peers, this peer quorum 2 of 2 peers")
        .contains("relaunch every peer with the same --init-peer-count or PEER list");
    assertThat(b.receive(0, a.gossip()).events()).extracting(Outcome.Event::reason)
        .singleElement().asString().contains("uses quorum 2 of 2 peers, this peer quorum 2 of 3");
    assertThat(a.receive(0, b.gossip()).events()).isEmpty();
    Allocator five = c.addCounted(3, 5);
    assertThat(a.receive(0, five.gossip()).events()).extracting(Outcome.Event::reason)
        .singleElement().asString().contains("uses quorum 3 of 5 peers, this peer quorum 2 of 2");
  }

  @Test
  void aPeerThatGossipsNoCountIsComparedByQuorum() {
    TestCluster c = new TestCluster("10.0.0.0/22");
    Allocator counted = c.addCounted(1, 3);
    Allocator older = c.add(2, 2, false);
    Allocator olderFive = c.add(3, 3, false);
    assertThat(counted.receive(0, older.gossip()).events()).isEmpty();
    assertThat(older.receive(0, counted.gossip()).events()).isEmpty();
    assertThat(counted.receive(0, olderFive.gossip()).events()).extracting(Outcome.Event::reason)
        .singleElement().asString().contains("uses quorum 3, this peer 2:");
    assertThat(counted.status().quorumWarnings()).hasSize(1);
  }

  @Test
  void anObserversCountIsNotComparedForItHasNoVote() {
    TestCluster c = new TestCluster("10.0.0.0/22");
    Allocator elector = c.addCounted(1, 2);
    Allocator observer = c.addCountedObserver(2, 3);
    assertThat(elector.receive(0, observer.gossip()).events()).isEmpty();
    assertThat(observer.receive(0, elector.gossip()).events()).isEmpty();
    c.tickAll(6_000);
    assertThat(elector.status().quorumWarnings()).isEmpty();
    assertThat(observer.status().quorumWarnings()).isEmpty();
  }

  @Test
  void peersLaunchedWithTheSameCountAreNotWarnedAbout() {
    TestCluster c = new TestCluster("10.0.0.0/22");
    Allocator a = c.addCounted(1, 3);
    Allocator b = c.addCounted(2, 3);
    assertThat(a.receive(0, b.gossip()).events()).isEmpty();
    c.tickAll(6_000);
    assertThat(a.status().quorumWarnings()).isEmpty();
    assertThat(b.status().quorumWarnings()).isEmpty();
  }

  @Test
  void restoreKeepsEveryAllocationAndItsRing() {
    TestCluster c = new TestCluster("10.0.0.0/22");
    Allocator a = c.add(1, 1, false);
    for (int i = 0; i < 20; i++) {
      c.value(c.allocate(1, "c" + i, "10.0.0.0/22"));
    }
    c.apply(peer(1), a.claim(c.nowMs, 400, "x", io.weft.net.PrefixedAddress.parse(
        "192.168.1.1/24"), false, false));
    assertThat(c.value(400)).isEqualTo("192.168.1.1/24");
    PersistedState disk = a.persistedState();
    Allocator again = Allocator.restore(a.config(), new java.util.SplittableRandom(1), disk);
    assertThat(again.consensus()).isEqualTo(Allocator.Consensus.ACHIEVED);
    assertThat(again.lookup("c7", null)).extracting(Object::toString)
        .containsExactly("10.0.0.8/22");
    assertThat(again.status().activeAddresses()).isEqualTo(21);
    Outcome next = again.allocate(0, 500, "new", Cidr.parse("10.0.0.0/22"), true);
    assertThat(next.completions().get(0).result().value()).isEqualTo("10.0.0.21/22");
    assertThat(Ip.format(Ip.parse("10.0.0.21"))).isEqualTo("10.0.0.21");
    assertThat(again.pruneOwned(0, Set.of("c1")).events()).hasSize(20);
    assertThat(again.lookup("x", null)).hasSize(1);
    assertThat(List.of(again.status().activeAddresses())).containsExactly(2);
  }

  private static long allocated(TestCluster c, int at, String ident) {
    return allocated(c, at, ident, "10.0.0.0/22");
  }

  private static long allocated(TestCluster c, int at, String ident, String subnet) {
    long id = c.allocate(at, ident, subnet);
    c.tickAll(1_000);
    c.tickAll(1_000);
    return id;
  }
}
