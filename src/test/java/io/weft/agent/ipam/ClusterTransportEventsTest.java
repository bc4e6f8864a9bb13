package io.weft.agent.ipam;

import static io.weft.testing.LoopbackCluster.await;
import static io.weft.testing.LoopbackCluster.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.weft.ring.PeerName;
import io.weft.testing.LoopbackCluster;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two peers' transports over a real two-member Hazelcast cluster on loopback: a peer publishes
 * its events cluster-wide only while another peer relays them to a tool, learns that at once
 * when a tool subscribes there, and stops within a check or two after the tool goes.
 */
class ClusterTransportEventsTest {
  private static final DeliveryOptions HERE = new DeliveryOptions().setLocalOnly(true);
  private final LoopbackCluster cluster = new LoopbackCluster();

  @AfterEach
  void close() throws Exception {
    cluster.close();
  }

  @Test
  void eventsGoToOtherPeersOnlyWhileOneOfThemRelaysThem() throws Exception {
    int portA = freePort();
    int portB = freePort();
    Vertx localA = cluster.local();
    Vertx localB = cluster.local();
    ClusterTransport a = new ClusterTransport(localA, PeerName.parse("aa:00:00:00:00:01"));
    ClusterTransport b = new ClusterTransport(localB, PeerName.parse("aa:00:00:00:00:02"));
    attach(a, portA, portB);
    attach(b, portB, portA);
    assertThat(b.peersListen()).as("no tool listens to every peer's events").isFalse();

    BlockingQueue<JsonObject> heardOnA = new LinkedBlockingQueue<>();
    localA.eventBus().<JsonObject>localConsumer(IpamApi.ALL_EVENTS, m -> heardOnA.add(m.body()));
    localA.eventBus().send(IpamApi.ALL_EVENTS_LISTENERS, 1, HERE); // a tool on A subscribes
    await(b::peersListen, "B learns that A relays every peer's events");
    assertThat(a.peersListen()).as("A's own relay is no other peer's").isFalse();
    b.publishEvent(new JsonObject().put("type", "allocated").put("origin", "aa:00:00:00:00:02"));
    JsonObject heard = heardOnA.poll(30, TimeUnit.SECONDS);
    assertThat(heard).isNotNull();
    assertThat(heard.getString("origin")).isEqualTo("aa:00:00:00:00:02");

    localA.eventBus().send(IpamApi.ALL_EVENTS_LISTENERS, -1, HERE); // the tool goes
    await(() -> !b.peersListen(), "B notices that nobody relays any more");
  }

  private void attach(ClusterTransport transport, int own, int other) throws Exception {
    LoopbackCluster.Member member = cluster.join(own, other, null);
    transport.attach(member.clustered(), member.manager()).await(30, TimeUnit.SECONDS);
  }
}
