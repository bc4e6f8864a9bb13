package io.weft.agent.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.ConfigAccessor;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.DefaultNodeContext;
import com.hazelcast.instance.impl.HazelcastInstanceFactory;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.internal.cluster.Joiner;
import java.util.UUID;

/**
 * Starts this agent's Hazelcast member, joined with {@link QuickJoiner}, for Vert.x's cluster
 * manager to use as given ({@code new HazelcastClusterManager(instance)}). Blocks until joined
 * (or, with no listed member answering, until this member is a cluster of its own).
 */
public final class HazelcastMember {
  /** The member attribute Vert.x's cluster manager reads its node id from. */
  static final String VERTX_NODE_ID = "__vertx.nodeId";

  private HazelcastMember() {}

  public static HazelcastInstance start(Config config) {
    // What Vert.x sets when it starts the member itself: its node id, and no shutdown hook of
    // Hazelcast's (the agent leaves the cluster from its own, in order).
    config.getMemberAttributeConfig().setAttribute(VERTX_NODE_ID, UUID.randomUUID().toString());
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    return HazelcastInstanceFactory.newHazelcastInstance(config, config.getInstanceName(),
        new QuickJoinContext());
  }

  /** Hazelcast's own node parts, but for the TCP-IP joiner. */
  private static final class QuickJoinContext extends DefaultNodeContext {
    @Override
    public Joiner createJoiner(Node node) {
      boolean tcpIp = ConfigAccessor.getActiveMemberNetworkConfig(node.getConfig()).getJoin()
          .getTcpIpConfig().isEnabled();
      return tcpIp ? new QuickJoiner(node) : super.createJoiner(node);
    }
  }
}
