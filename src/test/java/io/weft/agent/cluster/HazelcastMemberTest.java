package io.weft.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.impl.NoOpClientEngine;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import io.weft.net.HostPort;
import io.weft.testing.FreePorts;
import io.weft.testing.LoopbackCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Hazelcast members as agents start them: joined by weft's joiner, on loopback. */
class HazelcastMemberTest {
  private final String clusterName = "member-test-" + System.nanoTime();
  private final List<HazelcastInstance> started = new ArrayList<>();

  @AfterEach
  void shutDown() {
    started.forEach(member -> member.getLifecycleService().terminate());
  }

  @Test
  void threeMembersStartedTogetherFormOneClusterWithOneMaster() throws Exception {
    int[] ports = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
    List<CompletableFuture<HazelcastInstance>> starting = new ArrayList<>();
    for (int own : ports) {
      starting.add(CompletableFuture.supplyAsync(() -> start(own, ports)));
    }
    for (CompletableFuture<HazelcastInstance> member : starting) {
      started.add(member.get(120, TimeUnit.SECONDS));
    }

    for (HazelcastInstance member : started) {
      assertThat(joinerOf(member)).isInstanceOf(QuickJoiner.class);
      LoopbackCluster.await(() -> member.getCluster().getMembers().size() == 3,
          member.getName() + " lists all three members");
    }
    LoopbackCluster.await(() -> started.stream()
        .map(m -> m.getCluster().getMembers().iterator().next().getUuid()).distinct()
        .count() == 1, "every member names the same master (the oldest member)");
  }

  @Test
  void aMemberWhosePeersAreDownIsAClusterOfItsOwnAndALaterOneJoinsIt() throws Exception {
    int[] ports = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
    HazelcastInstance first = start(ports[0], ports);
    started.add(first);
    assertThat(first.getCluster().getMembers()).hasSize(1);

    HazelcastInstance second = start(ports[1], ports);
    started.add(second);

    // It asked the first for its master and joined, rather than claiming a cluster of its own
    // (which would have to be merged later): the first is the oldest member of both lists.
    assertThat(second.getCluster().getMembers()).hasSize(2);
    assertThat(second.getCluster().getMembers().iterator().next().getUuid())
        .isEqualTo(first.getCluster().getLocalMember().getUuid());
  }

  /**
   * The cluster port speaks Hazelcast's member protocol only: a Hazelcast client, which could
   * otherwise read and change the cluster's maps knowing only the cluster's name, is refused,
   * and the member has no client engine at all.
   */
  @Test
  void theClusterPortRefusesHazelcastClients() throws Exception {
    int port = FreePorts.next();
    HazelcastInstance member = start(port, new int[] {port});
    started.add(member);
    assertThat(((HazelcastInstanceProxy) member).getOriginal().node.getClientEngine())
        .isInstanceOf(NoOpClientEngine.class);

    ClientConfig client = new ClientConfig().setClusterName(clusterName);
    client.getNetworkConfig().addAddress("127.0.0.1:" + port);
    client.getConnectionStrategyConfig().getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(3_000);
    assertThatThrownBy(() -> HazelcastClient.newHazelcastClient(client).shutdown())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Unable to connect to any cluster");
  }

  private HazelcastInstance start(int own, int[] ports) {
    List<HostPort> peers = new ArrayList<>();
    for (int port : ports) {
      if (port != own) {
        peers.add(new HostPort("127.0.0.1", port));
      }
    }
    var settings = new ClusterSettings(clusterName, Optional.of("127.0.0.1"), own, peers);
    return HazelcastMember.start(HazelcastSettings.create(settings));
  }

  private static Object joinerOf(HazelcastInstance member) {
    return ((HazelcastInstanceProxy) member).getOriginal().node.getJoiner();
  }
}
