package io.weft.agent.cluster;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.NodeListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import io.weft.ring.PeerName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents currently in the cluster, by Vert.x node id, with what each announced in its node
 * metadata. Hazelcast calls the listener on its own threads; lookups of node info are retried
 * because a joining node writes its info just after Hazelcast announces it. Changes are published
 * on the local event bus at {@link #ADDRESS} as {@code {type: joined|left, member}}.
 */
public final class Membership implements NodeListener {
  public static final String ADDRESS = "weft.membership";
  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
  private static final int INFO_ATTEMPTS = 50;

  private final ClusterManager clusterManager;
  private final Map<String, Member> members = new ConcurrentHashMap<>();
  private final Consumer<Member> duplicateNameFound;
  private final PeerTls tls;
  private final java.util.Set<String> strangers = ConcurrentHashMap.newKeySet();
  private volatile Vertx vertx;
  private volatile Member self;

  public Membership(ClusterManager clusterManager, Consumer<Member> duplicateNameFound) {
    this(clusterManager, duplicateNameFound, PeerTls.off());
  }

  public Membership(ClusterManager clusterManager, Consumer<Member> duplicateNameFound,
      PeerTls tls) {
    this.tls = tls;
    this.clusterManager = clusterManager;
    this.duplicateNameFound = duplicateNameFound;
  }

  /** Starts tracking once Vert.x is up: members already present are read from the cluster. */
  public void start(Vertx vertx, Member self) {
    this.vertx = vertx;
    this.self = self;
    members.put(self.nodeId(), self);
    for (String nodeId : clusterManager.getNodes()) {
      if (!nodeId.equals(self.nodeId())) {
        resolve(nodeId, 1);
      }
    }
  }

  /** Whether peer traffic is mutual TLS, and this host's certificate expiry. */
  public PeerTls tls() {
    return tls;
  }

  public Member self() {
    return self;
  }

  /** A snapshot: this agent first, then the others by peer name. */
  public List<Member> members() {
    List<Member> list = new ArrayList<>(members.values());
    list.sort((a, b) -> a == self ? -1 : b == self ? 1 : a.peerName().compareTo(b.peerName()));
    return list;
  }

  @Override
  public void nodeAdded(String nodeId) {
    // After a split-brain merge Hazelcast reports ourselves and known members again.
    if (vertx != null && !members.containsKey(nodeId)) {
      resolve(nodeId, 1);
    }
  }

  @Override
  public void nodeLeft(String nodeId) {
    Member gone = members.remove(nodeId);
    if (gone != null && vertx != null) {
      LOG.info("member left: {} at {}:{} ({} in cluster)", gone.label(), gone.host(),
          gone.busPort(), members.size());
      vertx.eventBus().publish(ADDRESS, new JsonObject().put("type", "left")
          .put("member", gone.toJson()));
    }
  }

  private void resolve(String nodeId, int attempt) {
    clusterManager.getNodeInfo(nodeId, (NodeInfo info, Throwable failure) -> {
      if (failure != null || info == null) {
        if (attempt < INFO_ATTEMPTS && clusterManager.getNodes().contains(nodeId)) {
          vertx.setTimer(100, t -> resolve(nodeId, attempt + 1));
        } else if (attempt >= INFO_ATTEMPTS) {
          LOG.warn("member {} joined but its identity could not be read: {}", nodeId,
              failure == null ? "no node info" : failure.getMessage());
        }
        return;
      }
      added(Member.of(nodeId, info.host(), info.port(), info.metadata()));
    });
  }

  private void added(Member member) {
    if (!clusterManager.getNodes().contains(member.nodeId())) {
      return;
    }
    if (!PeerName.isValid(member.peerName())) {
      // Not a weft agent (or a stranger who reached the membership port): never a peer.
      if (strangers.add(member.nodeId())) {
        LOG.warn("a cluster member at {}:{} without a weft peer name joined Hazelcast: it is not"
            + " treated as a peer; if it is not yours, bind --cluster-addr to a private address,"
            + " firewall ports 6783 and 6785, and use --tls-cert/--tls-key/--tls-ca",
            member.host(), member.busPort());
      }
      return;
    }
    if (members.putIfAbsent(member.nodeId(), member) != null) {
      return;
    }
    LOG.info("member joined: {} at {}:{} ({} in cluster)", member.label(), member.host(),
        member.busPort(), members.size());
    vertx.eventBus().publish(ADDRESS, new JsonObject().put("type", "joined")
        .put("member", member.toJson()));
    if (member.peerName().equals(self.peerName())) {
      duplicateNameFound.accept(member);
    }
  }
}
