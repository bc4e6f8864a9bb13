package io.weft.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.ipam.PersistedState;
import io.weft.net.Cidr;
import io.weft.ring.PeerName;
import io.weft.ring.Ring;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Only a fresh peer that needs a quorum of others joins before it serves. */
class StartOrderTest {
  private static final Cidr RANGE = Cidr.parse("10.32.0.0/12");
  private static final PeerName SELF = PeerName.parse("0a:00:00:00:00:01");

  private static PersistedState fresh() {
    return new PersistedState(new Ring(RANGE.range(), SELF).state(), List.of(), Map.of());
  }

  private static PersistedState withRing() {
    Ring ring = new Ring(RANGE.range(), SELF);
    ring.claimForPeers(List.of(SELF));
    return new PersistedState(ring.state(), List.of(), Map.of());
  }

  @Test
  void aFreshPeerOfAClusterJoinsFirst() {
    assertThat(StartOrder.of(fresh(), List.of(), 2)).isEqualTo(StartOrder.JOIN_FIRST);
  }

  @Test
  void aPeerWithARingServesFirst() {
    assertThat(StartOrder.of(withRing(), List.of(), 2)).isEqualTo(StartOrder.SERVE_FIRST);
  }

  @Test
  void aFreshPeerThatIsItsOwnQuorumServesFirst() {
    assertThat(StartOrder.of(fresh(), List.of(), 1)).isEqualTo(StartOrder.SERVE_FIRST);
  }

  @Test
  void aFreshPeerWhoseRingComesFromSeedsServesFirst() {
    assertThat(StartOrder.of(fresh(), List.of(SELF), 2)).isEqualTo(StartOrder.SERVE_FIRST);
  }
}
