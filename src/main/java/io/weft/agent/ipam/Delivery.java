package io.weft.agent.ipam;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.weft.ipam.EventType;
import io.weft.ipam.Outcome;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out a committed outcome, in order: messages to peers (gossip to all on
 * {@link #GOSSIP}, or one peer's {@code weft.peer.NAME}), then the answers to waiting requests,
 * then events (logged, and published). Each event names the peer it comes from ({@code origin};
 * {@code peer} is the peer it is about, this one unless it is about another) and is published
 * twice: on {@code weft.events} to this host's tools only, and on {@code weft.events.all}
 * cluster-wide, for the tools that ask for every peer's events.
 */
final class Delivery {
  static final String GOSSIP = "weft.gossip";
  static final String PEER_PREFIX = "weft.peer.";
  private static final Logger LOG = LoggerFactory.getLogger(RingVerticle.class);
  private static final DeliveryOptions PEER_DELIVERY = new DeliveryOptions().setSendTimeout(5000);

  private final Vertx vertx;
  private final IpamMetrics metrics;
  private final WaitingRequests waiting;
  private final Supplier<String> ringText;
  private final String self;
  private final PeerTransport peers;
  private static final DeliveryOptions HERE = new DeliveryOptions().setLocalOnly(true);

  /**
   * {@code ringText} describes the ring for the log line that says it is ready; {@code self}
   * names this peer in its events.
   */
  Delivery(Vertx vertx, PeerTransport peers, IpamMetrics metrics, WaitingRequests waiting,
      Supplier<String> ringText, String self) {
    this.peers = peers;
    this.self = self;
    this.vertx = vertx;
    this.metrics = metrics;
    this.waiting = waiting;
    this.ringText = ringText;
  }

  void deliver(Outcome out) {
    for (Outcome.Send s : out.sends()) {
      Buffer bytes = Wire.encode(s.message()).toBuffer();
      metrics.sent(bytes.length());
      if (s.to() == null) {
        peers.publish(GOSSIP, bytes);
      } else {
        String prefix = s.toSeeding() ? ConsensusLink.PEER_PREFIX : PEER_PREFIX;
        peers.send(prefix + s.to(), bytes, PEER_DELIVERY);
      }
    }
    for (Outcome.Completion c : out.completions()) {
      waiting.complete(c.requestId(), c.result());
    }
    for (Outcome.Event e : out.events()) {
      log(e);
      publish(e.type(), e.id(), e.address(), e.peer(), e.reason());
    }
  }

  void publish(EventType type, String id, String address, String peer, String reason) {
    JsonObject event = new JsonObject().put("type", type.wireName()).put("id", id)
        .put("address", address).put("peer", peer == null ? self : peer).put("reason", reason)
        .put("origin", self);
    vertx.eventBus().publish(IpamApi.EVENTS, event, HERE);
    peers.publishEvent(event);
  }

  private void log(Outcome.Event e) {
    switch (e.type()) {
      case CONSENSUS_ACHIEVED -> LOG.info("IP allocation ring ready: {}",
          ringText.get().replace('\n', ';'));
      case MERGE_REFUSED -> {
        metrics.mergeRefused();
        LOG.error("refused the ring of peer {}: {}", e.peer(), e.reason());
      }
      case QUORUM_MISMATCH -> LOG.warn("{}", e.reason());
      default -> {
        if (LOG.isDebugEnabled()) { // one per allocation and free: no argument array unless on
          LOG.debug("{} {} {}", e.type(), e.id(), e.address());
        }
      }
    }
  }
}
