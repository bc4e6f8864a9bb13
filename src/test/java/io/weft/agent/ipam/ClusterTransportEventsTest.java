package io.weft.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.weft.agent.cluster.ClusterSettings;
import io.weft.agent.cluster.HazelcastSettings;
import io.weft.net.HostPort;
import io.weft.ring.PeerName;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two peers' transports over a real two-member Hazelcast cluster on loopback: a peer publishes
 * its events cluster-wide only while another peer relays them to a tool, learns that at once
 * when a tool subscribes there, and stops within a check or two after the tool goes.
 */
class ClusterTransportEventsTest {
  private static final DeliveryOptions HERE = new DeliveryOptions().setLocalOnly(true);
  private final List<Vertx> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (Vertx v : opened) {
      v.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void eventsGoToOtherPeersOnlyWhileOneOfThemRelaysThem() throws Exception {
    String cluster = "transport-events-" + System.nanoTime();
    int portA = freePort();
    int portB = freePort();
    Vertx localA = open(Vertx.vertx());
    Vertx localB = open(Vertx.vertx());
    ClusterTransport a = new ClusterTransport(localA, PeerName.parse("aa:00:00:00:00:01"));
    ClusterTransport b = new ClusterTransport(localB, PeerName.parse("aa:00:00:00:00:02"));
    join(a, cluster, portA, portB);
    join(b, cluster, portB, portA);
    assertThat(b.peersListen()).as("no tool listens to every peer's events").isFalse();

    BlockingQueue<JsonObject> heardOnA = new LinkedBlockingQueue<>();
    localA.eventBus().<JsonObject>localConsumer(IpamApi.ALL_EVENTS, m -> heardOnA.add(m.body()));
    localA.eventBus().send(IpamApi.ALL_EVENTS_LISTENERS, 1, HERE); // a tool on A subscribes
    await(b::peersListen, "B learns that A relays every peer's events");
    b.publishEvent(new JsonObject().put("type", "allocated").put("origin", "aa:00:00:00:00:02"));
    JsonObject heard = heardOnA.poll(30, TimeUnit.SECONDS);
    assertThat(heard).isNotNull();
    assertThat(heard.getString("origin")).isEqualTo("aa:00:00:00:00:02");

    localA.eventBus().send(IpamApi.ALL_EVENTS_LISTENERS, -1, HERE); // the tool goes
    await(() -> !b.peersListen(), "B notices that nobody relays any more");
  }

  private void join(ClusterTransport transport, String cluster, int own, int other)
      throws Exception {
    var settings = new ClusterSettings(cluster, Optional.of("127.0.0.1"), own,
        List.of(new HostPort("127.0.0.1", other)));
    var manager = new HazelcastClusterManager(HazelcastSettings.create(settings));
    var bus = new EventBusOptions().setHost("127.0.0.1").setClusterPublicHost("127.0.0.1")
        .setPort(0);
    Vertx clustered = open(Vertx.builder().with(new VertxOptions().setEventBusOptions(bus))
        .withClusterManager(manager).buildClustered().await(60, TimeUnit.SECONDS));
    transport.attach(clustered, manager).await(30, TimeUnit.SECONDS);
  }

  private Vertx open(Vertx vertx) {
    opened.add(0, vertx); // closed in reverse: the clustered ones first
    return vertx;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 60 s until " + what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
