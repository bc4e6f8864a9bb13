package io.weft.ipam;

import static io.weft.ipam.TestCluster.peer;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.net.Cidr;
import io.weft.ring.PeerName;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The consensus that seeds the ring, as its own state machine, fed gossip by hand. */
class SeedingTest {
  private static final Cidr RANGE = Cidr.parse("10.32.0.0/12");

  private static AllocatorConfig config(int i, int quorum, boolean observer) {
    return AllocatorConfig.of(peer(i), i, "p" + i, RANGE, quorum, observer);
  }

  private static Message.Gossip gossip(int i, Seeding s, boolean observer) {
    return new Message.Gossip(peer(i), "p" + i, observer, null,
        s.hasPaxos() ? s.claims() : null, 2);
  }

  @Test
  void aLonePeerWithQuorumOneAgreesOnItselfAtOnce() {
    Seeding s = Seeding.fresh(config(1, 1, false));
    Outcome out = new Outcome();
    assertThat(s.start(out)).contains(List.of(peer(1)));
    assertThat(out.persist()).as("its promise must survive a crash").isTrue();
    assertThat(s.running()).isTrue();
    s.achieved();
    assertThat(s.running()).isFalse();
    assertThat(s.claims()).as("nothing left to persist or gossip").isEmpty();
  }

  @Test
  void twoElectorsAgreeByGossipOnEveryPeerTheProposerHeardOf() {
    Seeding a = Seeding.fresh(config(1, 2, false));
    Seeding b = Seeding.fresh(config(2, 2, false));
    // b only has to answer: it waits for nothing, so it never proposes itself.
    assertThat(b.hear(gossip(1, a, false), new Outcome()))
        .isInstanceOf(Seeding.Heard.Nothing.class);
    assertThat(a.start(new Outcome())).as("1 of 2 promises").isEmpty();
    Optional<List<PeerName>> agreed = Optional.empty();
    for (int round = 0; round < 10 && agreed.isEmpty(); round++) {
      Outcome atB = new Outcome();
      assertThat(b.hear(gossip(1, a, false), atB)).isNotInstanceOf(Seeding.Heard.Agreed.class);
      if (a.hear(gossip(2, b, false), new Outcome()) instanceof Seeding.Heard.Agreed seeds) {
        agreed = Optional.of(seeds.seeds());
      }
    }
    assertThat(agreed).isPresent();
    assertThat(agreed.get()).containsExactlyInAnyOrder(peer(1), peer(2));
    assertThat(a.checkInvariants()).isEmpty();
    assertThat(b.checkInvariants()).isEmpty();
  }

  @Test
  void anObserverHasNoVoteButAsksTheElectorsToStart() {
    Seeding observer = Seeding.fresh(config(3, 2, true));
    assertThat(observer.hasPaxos()).isFalse();
    assertThat(observer.start(new Outcome())).isEmpty();
    Seeding elector = Seeding.fresh(config(1, 2, false));
    assertThat(elector.hear(gossip(3, observer, true), new Outcome()))
        .isInstanceOf(Seeding.Heard.StartAsked.class);
  }

  @Test
  void aPeerRestartedWithARingNeverRunsPaxosAgain() {
    Seeding done = Seeding.done();
    assertThat(done.hasPaxos()).isFalse();
    assertThat(done.start(new Outcome())).isEmpty();
    assertThat(done.hear(gossip(2, Seeding.fresh(config(2, 2, false)), false), new Outcome()))
        .isInstanceOf(Seeding.Heard.Nothing.class);
  }
}
