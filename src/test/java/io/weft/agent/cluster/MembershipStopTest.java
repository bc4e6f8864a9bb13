package io.weft.agent.cluster;

import static io.weft.testing.LoopbackCluster.await;
import static io.weft.testing.LoopbackCluster.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.weft.testing.LoopbackCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * An agent that stops closes its local Vert.x before it leaves the cluster. A member that leaves
 * in between must not be reported on that closed event bus: Hazelcast logged the failure as an
 * error ("Failed to handle memberRemoved … event executor terminated"). Two members on loopback.
 */
class MembershipStopTest {
  private final LoopbackCluster cluster = new LoopbackCluster();
  private final ListAppender<ILoggingEvent> errors = new ListAppender<>();
  private final Logger hazelcastManager =
      (Logger) LoggerFactory.getLogger(HazelcastClusterManager.class);
  /** Where Vert.x reports a timer's uncaught exception (Hazelcast asked after it stopped). */
  private final Logger vertxContext =
      (Logger) LoggerFactory.getLogger("io.vertx.core.impl.ContextImpl");

  @AfterEach
  void close() throws Exception {
    hazelcastManager.detachAppender(errors);
    vertxContext.detachAppender(errors);
    cluster.close();
  }

  @Test
  void aMemberLeavingWhileThisAgentStopsIsNotReportedOnItsClosedBus() throws Exception {
    errors.start();
    hazelcastManager.addAppender(errors);
    vertxContext.addAppender(errors);
    int portA = freePort();
    int portB = freePort();
    Vertx localA = cluster.local();
    Node a = join("aa:00:00:00:00:01", portA, portB, localA);
    Node b = join("aa:00:00:00:00:02", portB, portA, cluster.local());
    await(() -> a.membership.members().size() == 2 && b.membership.members().size() == 2,
        "each member greeted the other");

    a.membership.stopReporting();
    cluster.close(localA);
    cluster.close(b.member.clustered());
    await(() -> a.member.manager().getNodes().size() == 1, "A's Hazelcast saw B leave");
    Thread.sleep(1000); // Hazelcast hands the removal to its listeners on threads of its own

    assertThat(errors.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
        .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
  }

  private record Node(LoopbackCluster.Member member, Membership membership) {}

  /** Joins one member and starts its membership (the members join one after the other). */
  private Node join(String peerName, int own, int other, Vertx local) throws Exception {
    LoopbackCluster.Member member = cluster.join(own, other,
        Member.metadata(peerName, "test", "127.0.0.1:1", false, System.currentTimeMillis()));
    HazelcastClusterManager manager = member.manager();
    Membership membership = new Membership(manager, m -> { });
    manager.nodeListener(membership);
    membership.start(member.clustered(), local, Member.of(manager.getNodeId(),
        manager.getNodeInfo().host(), manager.getNodeInfo().port(),
        member.bus().getClusterNodeMetadata()));
    return new Node(member, membership);
  }
}
