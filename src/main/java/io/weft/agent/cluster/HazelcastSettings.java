package io.weft.agent.cluster;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import io.weft.net.HostPort;
import java.util.ArrayList;
import java.util.List;

/**
 * The Hazelcast configuration of one agent: membership and transport only, joined over TCP-IP
 * with the launch peers. Hazelcast's defaults are far too slow for an address allocator (60 s to
 * notice a silent peer, minutes to heal a split), and it must never call home or multicast.
 */
public final class HazelcastSettings {
  private HazelcastSettings() {}

  public static Config create(ClusterSettings options) {
    // The structures Vert.x needs, as vertx-hazelcast's default-cluster.xml declares them; built
    // in code because parsing and validating that XML costs start-up time.
    Config config = new Config();
    config.getMultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET);
    config.getMapConfig("__vertx.haInfo").setBackupCount(1);
    config.getMapConfig("__vertx.nodeInfo").setBackupCount(1);
    config.setClusterName(options.clusterName());
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    // 10 s, not 5: a GC pause on a busy 2-core host must not evict a healthy peer.
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    // Few members and no data in Hazelcast maps of ours: fewer partitions start faster.
    config.setProperty("hazelcast.partition.count", "23");
    config.setProperty("hazelcast.jmx", "false");
    config.setProperty("hazelcast.health.monitoring.level", "OFF");
    config.setProperty("hazelcast.diagnostics.enabled", "false");
    // Start-up CPU: what weft does not use is off, and the thread pools are sized for a few
    // members exchanging membership and a handful of map entries, not for data.
    config.getMetricsConfig().setEnabled(false);
    config.getJetConfig().setEnabled(false);
    config.setProperty("hazelcast.io.thread.count", "1");
    config.setProperty("hazelcast.event.thread.count", "2");

    // Hazelcast's advanced networking with a member endpoint only: the port speaks the member
    // protocol and nothing else. With the plain network settings it also answers Hazelcast's
    // client protocol, through which anyone who reaches it could read and change the cluster's
    // maps (weft has no client); and Hazelcast builds that protocol's engine at every start,
    // about a hundred lambdas spun as classes, which the class-data-sharing archive cannot hold.
    AdvancedNetworkConfig network = config.getAdvancedNetworkConfig().setEnabled(true);
    ServerSocketEndpointConfig member = new ServerSocketEndpointConfig();
    member.setPort(options.clusterPort()).setPortAutoIncrement(false);
    options.clusterHost().ifPresent(host -> {
      config.setProperty("hazelcast.socket.bind.any", "false");
      member.setPublicAddress(host + ":" + options.clusterPort());
      member.getInterfaces().setEnabled(true).setInterfaces(List.of(host));
    });
    network.setMemberEndpointConfig(member);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    List<String> members = new ArrayList<>();
    for (HostPort peer : options.peers()) {
      members.add(peer.toString());
    }
    // The connection timeout is also how long a joiner asks the listed members for a master
    // (once a second) before the lowest connected one claims mastership: 1 s (Hazelcast says 5,
    // weft said 2) takes a second off a fresh cluster's bring-up. Connecting is the kernel's
    // handshake, which a busy JVM does not slow; a member not connected by then joins the master
    // when it asks next, and a cluster that forms twice is merged within 5 s (the delays above).
    join.getTcpIpConfig().setEnabled(true).setMembers(members).setConnectionTimeoutSeconds(1);
    return config;
  }
}
