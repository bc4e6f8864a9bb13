package io.weft.agent.ipam;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.weft.ring.PeerName;

/**
 * Peer traffic over a clustered Vert.x that joins after the local one is serving. The agent's
 * own Vert.x (HTTP, the ring verticle, tools) is not clustered, so that it answers from its own
 * ranges at once after a restart; Hazelcast joins in the background and {@link #attach} then
 * relays what peers send to the local event bus and carries what the verticle sends to them.
 *
 * <p>Before {@code attach}, nothing reaches other peers: the allocator knows no member yet, so
 * it sends to nobody but gossip, which is repeated and merged (a lost copy is never needed), and
 * whatever needs another peer (consensus, donations, claims of their addresses) waits until the
 * membership reports them, after {@code attach}.
 */
public final class ClusterTransport implements PeerTransport {
  private static final DeliveryOptions HERE = new DeliveryOptions().setLocalOnly(true);

  private final Vertx local;
  private final String self;
  private volatile EventBus cluster;
  // Every peer's events, relayed from the clustered bus while local tools listen to them.
  private int allEventsListeners;
  private EventBus relayingFrom;
  private MessageConsumer<JsonObject> allEventsRelay;
  private final PeerEventListeners peersListening;

  public ClusterTransport(Vertx local, PeerName self) {
    this.local = local;
    this.self = self.toString();
    this.peersListening = new PeerEventListeners(local, this.self);
    local.eventBus().<Integer>localConsumer(IpamApi.ALL_EVENTS_LISTENERS,
        m -> listenersChanged(m.body()));
  }

  /**
   * Starts carrying peer traffic over {@code clustered}'s event bus; completes once the relays
   * are registered cluster-wide, so that peers can reach this one.
   */
  public Future<Void> attach(Vertx clustered, ClusterManager manager) {
    EventBus bus = clustered.eventBus();
    // Published here too: the ring verticle and, until a ring exists, the consensus verticle
    // both hear gossip.
    var gossip = bus.<Buffer>consumer(Delivery.GOSSIP,
        m -> local.eventBus().publish(Delivery.GOSSIP, m.body(), HERE));
    var direct = bus.<Buffer>consumer(Delivery.PEER_PREFIX + self,
        m -> local.eventBus().send(Delivery.PEER_PREFIX + self, m.body(), HERE));
    var consensus = bus.<Buffer>consumer(ConsensusLink.PEER_PREFIX + self,
        m -> local.eventBus().send(ConsensusLink.PEER_PREFIX + self, m.body(), HERE));
    return Future.all(gossip.completion(), direct.completion(), consensus.completion(),
            relayAllEvents(bus), peersListening.attach(bus, manager))
        .onSuccess(x -> cluster = bus).mapEmpty();
  }

  private synchronized void listenersChanged(int change) {
    allEventsListeners = Math.max(0, allEventsListeners + change);
    if (relayingFrom != null) {
      relayAllEvents(relayingFrom);
    }
  }

  /**
   * Registers the relay of every peer's events on {@code bus} while local tools listen to them,
   * and removes it when none do: a cluster-wide publication reaches only the peers registered,
   * so an allocation is not sent to every peer (and back to this one) for nobody.
   */
  private synchronized Future<Void> relayAllEvents(EventBus bus) {
    relayingFrom = bus; // a relay on a bus that was left is forgotten by detach()
    if (allEventsListeners > 0 && allEventsRelay == null) {
      // This peer's own events are published locally at once (publishEvent), not again.
      allEventsRelay = bus.consumer(IpamApi.ALL_EVENTS, m -> {
        if (!self.equals(m.body().getString("origin"))) {
          local.eventBus().publish(IpamApi.ALL_EVENTS, m.body(), HERE);
        }
      });
      return allEventsRelay.completion()
          .onSuccess(v -> peersListening.announce(bus));
    }
    if (allEventsListeners == 0 && allEventsRelay != null) {
      Future<Void> gone = allEventsRelay.unregister();
      allEventsRelay = null;
      return gone;
    }
    return Future.succeededFuture();
  }

  /**
   * Stops carrying peer traffic: the clustered event bus is being left, to be joined again
   * through a new {@link #attach}. What is sent meanwhile is dropped, as before the first join.
   */
  public void detach() {
    cluster = null;
    peersListening.detach();
    synchronized (this) {
      relayingFrom = null;
      allEventsRelay = null;
    }
  }

  /** Whether another peer relays every peer's events to its tools: events go to peers then. */
  boolean peersListen() {
    return peersListening.any();
  }

  /** Whether peer traffic flows: the clustered event bus has joined. */
  public boolean attached() {
    return cluster != null;
  }

  @Override
  public void publish(String address, Buffer bytes) {
    EventBus bus = cluster;
    if (bus != null) {
      bus.publish(address, bytes);
    }
  }

  @Override
  public void send(String address, Buffer bytes, DeliveryOptions options) {
    EventBus bus = cluster;
    if (bus != null) {
      bus.send(address, bytes, options);
    }
  }

  @Override
  public void publishEvent(JsonObject event) {
    local.eventBus().publish(IpamApi.ALL_EVENTS, event, HERE);
    EventBus bus = cluster;
    if (bus != null && peersListening.any()) {
      bus.publish(IpamApi.ALL_EVENTS, event);
    }
  }
}
