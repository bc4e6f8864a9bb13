package io.weft.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.weft.agent.cluster.ClusterSettings;
import io.weft.agent.cluster.HazelcastSettings;
import io.weft.net.HostPort;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Members of one Hazelcast cluster on loopback, each a clustered Vert.x configured as an agent
 * configures its own, for tests of the cluster layer without agent processes. Closing it closes
 * every Vert.x it made, the last made first.
 */
public final class LoopbackCluster implements AutoCloseable {
  private final String name = "loopback-" + System.nanoTime();
  private final List<Vertx> opened = new ArrayList<>();

  /** One member: its cluster manager, its clustered Vert.x and the event-bus options it has. */
  public record Member(HazelcastClusterManager manager, Vertx clustered, EventBusOptions bus) {}

  /**
   * A member on port {@code own} that joins through the member on {@code other}, with
   * {@code metadata} as its event bus's node metadata (null for none).
   */
  public Member join(int own, int other, JsonObject metadata) throws Exception {
    return joinWith(own, other, bus -> {
      if (metadata != null) {
        bus.setClusterNodeMetadata(metadata);
      }
    });
  }

  /**
   * A member on port {@code own} that joins through the member on {@code other}, its event-bus
   * options changed by {@code configure} (TLS, for one).
   */
  public Member joinWith(int own, int other, Consumer<EventBusOptions> configure)
      throws Exception {
    var settings = new ClusterSettings(name, Optional.of("127.0.0.1"), own,
        List.of(new HostPort("127.0.0.1", other)));
    var manager = new HazelcastClusterManager(HazelcastSettings.create(settings));
    var bus = new EventBusOptions().setHost("127.0.0.1").setClusterPublicHost("127.0.0.1")
        .setPort(0);
    configure.accept(bus);
    Vertx clustered = keep(Vertx.builder().with(new VertxOptions().setEventBusOptions(bus))
        .withClusterManager(manager).buildClustered().await(60, TimeUnit.SECONDS));
    return new Member(manager, clustered, bus);
  }

  /** A local (not clustered) Vert.x, closed with the cluster. */
  public Vertx local() {
    return keep(Vertx.vertx());
  }

  /** Closes {@code vertx} now, as a member that leaves or an agent that stops. */
  public void close(Vertx vertx) throws Exception {
    opened.remove(vertx);
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private Vertx keep(Vertx vertx) {
    opened.add(0, vertx);
    return vertx;
  }

  @Override
  public void close() throws Exception {
    for (Vertx v : List.copyOf(opened)) {
      close(v);
    }
  }

  /** Waits up to 60 s for {@code condition}, failing with {@code what} if it never holds. */
  public static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 60 s until " + what).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /** A free port for a member to bind; see {@link FreePorts}. */
  public static int freePort() throws IOException {
    return FreePorts.next();
  }
}
