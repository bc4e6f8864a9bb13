package io.weft.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.weft.ipam.Message;
import io.weft.ring.PeerName;
import org.junit.jupiter.api.Test;

/** Gossip between peers of different versions: the peer count is an optional field. */
class WireTest {
  private static final PeerName A = PeerName.parse("0a:00:00:00:00:01");

  @Test
  void gossipCarriesThePeerCountItWasLaunchedWith() {
    Message.Gossip sent = new Message.Gossip(A, "a", false, null, null, 2, 3, false);
    JsonObject json = new JsonObject(Wire.encode(sent).encode());
    assertThat(json.getInteger("peerCount")).isEqualTo(3);
    assertThat(Wire.decode(json)).isEqualTo(sent);
  }

  @Test
  void anUnknownCountIsNotWrittenSoOlderPeersReadTheGossipAsBefore() {
    Message.Gossip sent = new Message.Gossip(A, "a", true, null, null, 0, 0, false);
    JsonObject json = Wire.encode(sent);
    assertThat(json.containsKey("peerCount")).isFalse();
    assertThat(json.getInteger("quorum")).isZero();
  }

  @Test
  void gossipFromAnOlderPeerWithoutTheCountReadsAsUnknown() {
    JsonObject older = new JsonObject().put("from", A.toString()).put("type", "gossip")
        .put("nickname", "a").put("observer", false).put("quorum", 2);
    assertThat(Wire.decode(older)).isEqualTo(
        new Message.Gossip(A, "a", false, null, null, 2, 0, false));
  }
}
