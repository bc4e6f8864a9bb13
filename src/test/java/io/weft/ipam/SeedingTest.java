package io.weft.ipam;

import static io.weft.ipam.TestCluster.peer;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.net.Cidr;
import io.weft.ring.PeerName;
import io.weft.ring.RingState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The consensus that seeds the ring, as its own state machine, fed gossip by hand. */
class SeedingTest {
  private static final Cidr RANGE = Cidr.parse("10.32.0.0/12");

  private static AllocatorConfig config(int i, int quorum, boolean observer) {
    return AllocatorConfig.of(peer(i), i, "p" + i, RANGE, quorum, observer);
  }

  private static PersistedState empty() {
    return new PersistedState(new RingState(RANGE.range(), List.of(), List.of(), Set.of()),
        List.of(), Map.of());
  }

  private static Seeding fresh(int i, int quorum, boolean observer) {
    return Seeding.of(config(i, quorum, observer), empty());
  }

  /** The one gossip a step broadcast; fails when there is none. */
  private static Message.Gossip told(Outcome out) {
    return out.sends().stream().filter(s -> s.to() == null)
        .map(s -> (Message.Gossip) s.message()).findFirst()
        .orElseThrow(() -> new AssertionError("nothing was broadcast"));
  }

  @Test
  void aLonePeerWithQuorumOneAgreesOnItselfAtOnce() {
    Seeding s = fresh(1, 1, false);
    Outcome out = s.establish(0);
    assertThat(out.agreed()).containsExactly(peer(1));
    assertThat(out.persist()).as("its promise must survive a crash").isTrue();
    assertThat(out.paxos()).as("the claims to persist travel in the outcome").isNotEmpty();
    assertThat(out.progress().running()).isTrue();
    s.ringExists();
    assertThat(s.running()).isFalse();
    assertThat(s.claims()).as("nothing left to persist or gossip").isEmpty();
  }

  @Test
  void twoElectorsAgreeByGossipOnEveryPeerTheProposerHeardOf() {
    Seeding a = fresh(1, 2, false);
    Seeding b = fresh(2, 2, false);
    Outcome fromA = a.establish(0);
    assertThat(fromA.agreed()).as("1 of 2 promises").isNull();
    List<PeerName> agreed = null;
    for (int round = 0; round < 10 && agreed == null; round++) {
      Outcome atB = b.receive(0, told(fromA));
      assertThat(atB.agreed()).as("b waits for nothing, so it never proposes").isNull();
      if (atB.sends().isEmpty()) {
        fromA = a.tick(0);
        continue;
      }
      fromA = a.receive(0, told(atB));
      agreed = fromA.agreed();
    }
    assertThat(agreed).containsExactlyInAnyOrder(peer(1), peer(2));
    assertThat(a.checkInvariants()).isEmpty();
    assertThat(b.checkInvariants()).isEmpty();
  }

  @Test
  void anObserverHasNoVoteButAsksTheElectorsToStart() {
    Seeding observer = fresh(3, 2, true);
    Outcome asked = observer.establish(0);
    assertThat(asked.agreed()).isNull();
    assertThat(told(asked).paxos()).as("an observer has no Paxos").isNull();
    Seeding elector = fresh(1, 2, false);
    assertThat(elector.running()).isFalse();
    Outcome started = elector.receive(0, told(asked));
    assertThat(elector.running()).isTrue();
    assertThat(told(started).paxos()).isNotEmpty();
  }

  /**
   * An observer that asks for nothing, met when it joins or in its periodic gossip, is no reason
   * to seed the ring: consensus stays deferred until a request, here or at the observer.
   */
  @Test
  void anIdleObserverNeverStartsConsensus() {
    Seeding observer = fresh(3, 2, true);
    Seeding elector = fresh(1, 2, false);
    Outcome joined = observer.memberJoined(0, peer(1));
    for (Outcome.Send send : joined.sends()) {
      elector.receive(0, send.message());
    }
    elector.receive(0, observer.gossip());
    assertThat(elector.running()).as("deferred while the observer asks for nothing").isFalse();
    assertThat(observer.gossip().asking()).isFalse();
    observer.establish(0);
    assertThat(observer.gossip().asking()).isTrue();
    elector.receive(0, observer.gossip());
    assertThat(elector.running()).as("the observer's request starts it").isTrue();
  }

  @Test
  void aMemberThatJoinsHearsWhatPaxosKnowsSoThatEveryElectorCounts() {
    Seeding a = fresh(1, 2, false);
    Seeding b = fresh(2, 2, false);
    Outcome joined = a.memberJoined(0, peer(2));
    assertThat(joined.sends()).singleElement().satisfies(s -> {
      assertThat(s.to()).isEqualTo(peer(2));
      assertThat(s.toSeeding()).as("to the peer's consensus, not its allocator").isTrue();
    });
    Outcome heard = b.receive(0, joined.sends().get(0).message());
    assertThat(b.running()).as("hearing is not starting").isFalse();
    assertThat(heard.progress().knownElectors()).isEqualTo(2);
  }

  @Test
  void gossipThatCarriesARingIsTheAllocatorsBusiness() {
    Seeding s = fresh(1, 2, false);
    s.establish(0);
    RingState ring = new Allocator(config(2, 1, false).withSeeds(List.of(peer(2))),
        new java.util.SplittableRandom(1)).ringState();
    Outcome out = s.receive(0, new Message.Gossip(peer(2), "p2", false, ring, null, 1, 1, false));
    assertThat(out.sends()).isEmpty();
    assertThat(out.agreed()).isNull();
  }

  @Test
  void aPeerRestartedWithARingNeverRunsPaxosAgain() {
    Allocator seeded = new Allocator(config(1, 1, false).withSeeds(List.of(peer(1))),
        new java.util.SplittableRandom(1));
    Seeding done = Seeding.of(config(1, 1, false), seeded.persistedState());
    assertThat(done.done()).isTrue();
    assertThat(done.establish(0).sends()).isEmpty();
    assertThat(done.tick(0).sends()).isEmpty();
    assertThat(done.receive(0, told(fresh(2, 2, false).establish(0))).sends()).isEmpty();
    assertThat(done.claims()).isEmpty();
  }
}
