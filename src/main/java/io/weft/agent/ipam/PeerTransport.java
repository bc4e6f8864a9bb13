package io.weft.agent.ipam;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * How the ring verticle reaches other peers: gossip to all, a message to one, and the
 * cluster-wide copy of its events. Messages from peers arrive on the verticle's own event bus
 * ({@link Delivery#GOSSIP}, {@code weft.peer.NAME}, {@link IpamApi#ALL_EVENTS}), whichever
 * transport carried them.
 */
public interface PeerTransport {
  /** To every peer (and to this one, which ignores its own messages). */
  void publish(String address, Buffer bytes);

  /** To the one peer that consumes {@code address}; lost if it is not there, as gossip may be. */
  void send(String address, Buffer bytes, DeliveryOptions options);

  /** An event for every host's tools that asked for all events ({@link IpamApi#ALL_EVENTS}). */
  void publishEvent(JsonObject event);

  /** Peers on the verticle's own (clustered) event bus: one Vert.x for everything. */
  static PeerTransport sameBus(Vertx vertx) {
    return new PeerTransport() {
      @Override
      public void publish(String address, Buffer bytes) {
        vertx.eventBus().publish(address, bytes);
      }

      @Override
      public void send(String address, Buffer bytes, DeliveryOptions options) {
        vertx.eventBus().send(address, bytes, options);
      }

      @Override
      public void publishEvent(JsonObject event) {
        vertx.eventBus().publish(IpamApi.ALL_EVENTS, event);
      }
    };
  }
}
