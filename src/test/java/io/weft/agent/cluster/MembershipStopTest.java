package io.weft.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.weft.net.HostPort;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An agent that stops closes its local Vert.x before it leaves the cluster. A member that leaves
 * in between must not be reported on that closed event bus: Hazelcast logged the failure as an
 * error ("Failed to handle memberRemoved … event executor terminated"). Two members on loopback.
 */
class MembershipStopTest {
  private final List<Vertx> opened = new ArrayList<>();
  private final ListAppender<ILoggingEvent> errors = new ListAppender<>();
  private final Logger hazelcastManager =
      (Logger) LoggerFactory.getLogger(HazelcastClusterManager.class);

  @AfterEach
  void close() throws Exception {
    hazelcastManager.detachAppender(errors);
    for (Vertx v : opened) {
      v.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aMemberLeavingWhileThisAgentStopsIsNotReportedOnItsClosedBus() throws Exception {
    errors.start();
    hazelcastManager.addAppender(errors);
    String cluster = "membership-stop-" + System.nanoTime();
    int portA = freePort();
    int portB = freePort();
    Vertx localA = Vertx.vertx();
    Node a = join(cluster, "aa:00:00:00:00:01", portA, portB, localA);
    Node b = join(cluster, "aa:00:00:00:00:02", portB, portA, open(Vertx.vertx()));
    await(() -> a.membership.members().size() == 2 && b.membership.members().size() == 2,
        "each member greeted the other");

    a.membership.stopReporting();
    localA.close().await(30, TimeUnit.SECONDS);
    b.clustered.close().await(30, TimeUnit.SECONDS);
    opened.remove(b.clustered);
    await(() -> a.manager.getNodes().size() == 1, "A's Hazelcast saw B leave");
    Thread.sleep(1000); // Hazelcast hands the removal to its listeners on threads of its own

    assertThat(errors.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
        .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }

  private record Node(HazelcastClusterManager manager, Vertx clustered, Membership membership) {}

  private Node join(String cluster, String peerName, int own, int other, Vertx local)
      throws Exception {
    var settings = new ClusterSettings(cluster, Optional.of("127.0.0.1"), own,
        List.of(new HostPort("127.0.0.1", other)));
    var manager = new HazelcastClusterManager(HazelcastSettings.create(settings));
    Membership membership = new Membership(manager, m -> { });
    manager.nodeListener(membership);
    var bus = new EventBusOptions().setHost("127.0.0.1").setClusterPublicHost("127.0.0.1")
        .setPort(0).setClusterNodeMetadata(
            Member.metadata(peerName, "test", "127.0.0.1:1", false, System.currentTimeMillis()));
    Vertx clustered = open(Vertx.builder().with(new VertxOptions().setEventBusOptions(bus))
        .withClusterManager(manager).buildClustered().await(60, TimeUnit.SECONDS));
    membership.start(clustered, local, Member.of(manager.getNodeId(),
        manager.getNodeInfo().host(), manager.getNodeInfo().port(), bus.getClusterNodeMetadata()));
    return new Node(manager, clustered, membership);
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
