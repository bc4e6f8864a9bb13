package io.weft.agent.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.NodeListener;
import io.weft.ring.PeerName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents in the cluster, by Vert.x node id. Hazelcast listing a node is not trust: its
 * membership traffic is plain, so anyone who reaches the cluster port can join and write any node
 * metadata. A node Hazelcast lists is only a <em>candidate</em>; it becomes a member (a peer:
 * reachable, counted by rmpeer, shown in status) once it has spoken over the event bus, which
 * with {@code --tls-cert} is mutual TLS with this cluster's CA. Each agent greets every candidate
 * at {@code weft.hello.<nodeId>} with its identity and is answered with the candidate's; the peer
 * name, nickname and HTTP address of a member come from that greeting, never from node metadata.
 * Vert.x does not expose the certificate a bus connection presented, so the name is taken from
 * the first authenticated message rather than the certificate.
 *
 * <p>Hazelcast calls the listener on its own threads; lookups of node info are retried because a
 * joining node writes its info just after Hazelcast announces it. Changes are published on the
 * local event bus at {@link #ADDRESS} as {@code {type: joined|left, member}}.
 */
public final class Membership implements NodeListener {
  public static final String ADDRESS = "weft.membership";
  static final String HELLO_PREFIX = "weft.hello.";
  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);
  private static final int INFO_ATTEMPTS = 50;
  /** One more try, after the attempts ran out and their warning was logged. */
  private static final int QUIET_ATTEMPT = INFO_ATTEMPTS + 1;
  private static final long GREET_EVERY_MS = 1000;
  private static final long SILENT_WARN_MS = 30_000;
  private static final DeliveryOptions GREETING = new DeliveryOptions().setSendTimeout(5000);

  private volatile ClusterManager clusterManager;
  private final Map<String, Member> members = new ConcurrentHashMap<>();
  /** Nodes Hazelcast lists, as their metadata describes them, that have not spoken yet. */
  private final Map<String, Member> candidates = new ConcurrentHashMap<>();
  /** Greetings that arrived before Hazelcast told us about their sender. */
  private final Map<String, JsonObject> heard = new ConcurrentHashMap<>();
  private final Map<String, Long> listedAt = new ConcurrentHashMap<>();
  private final Set<String> greeting = ConcurrentHashMap.newKeySet();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  /** Why the last greeting to a candidate failed, for the warning about a silent one. */
  private final Map<String, String> greetingFailed = new ConcurrentHashMap<>();
  private final Consumer<Member> duplicateNameFound;
  private final PeerTls tls;
  /** The local Vert.x: timers, and members reported on {@link #ADDRESS} to the ring verticle. */
  private volatile Vertx vertx;
  /** The clustered Vert.x: greetings travel on its (authenticated) event bus. */
  private volatile Vertx peers;
  private volatile Member self;
  /** The agent is stopping: its local Vert.x may be closed already. */
  private volatile boolean stopped;
  private long greeter = -1;
  /** Listed nodes with no identity read yet, and when they were last tried. */
  private final Map<String, Long> unresolved = new ConcurrentHashMap<>();
  private static final long RESOLVE_AGAIN_MS = 10_000;

  public Membership(ClusterManager clusterManager, Consumer<Member> duplicateNameFound) {
    this(clusterManager, duplicateNameFound, PeerTls.off());
  }

  public Membership(ClusterManager clusterManager, Consumer<Member> duplicateNameFound,
      PeerTls tls) {
    this.tls = tls;
    this.clusterManager = clusterManager;
    this.duplicateNameFound = duplicateNameFound;
  }

  /**
   * Starts tracking once joined; members already present are read from the cluster. Greetings
   * go over {@code clustered}'s event bus (the one peers authenticate on), members are reported
   * on {@code local}'s, where the ring verticle runs.
   */
  public void start(Vertx clustered, Vertx local, Member self) {
    this.peers = clustered;
    this.vertx = local;
    this.self = self;
    members.put(self.nodeId(), self);
    clustered.eventBus().<JsonObject>consumer(HELLO_PREFIX + self.nodeId(),
        m -> greeted(clustered, m));
    for (String nodeId : clusterManager.getNodes()) {
      if (!nodeId.equals(self.nodeId())) {
        resolve(nodeId, 1);
      }
    }
    // A candidate's consumers reach the cluster's registry a little after it joins, and a
    // greeting can be lost: keep greeting until it answers or leaves.
    if (greeter < 0) {
      greeter = vertx.setPeriodic(GREET_EVERY_MS, t -> {
        if (stopped) {
          // Hazelcast may be shut down already: asking it for its members would throw.
          return;
        }
        reconcile();
        candidates.values().forEach(c -> {
          greet(c.nodeId());
          warnIfSilent(c);
        });
      });
    }
  }

  /**
   * The agent is stopping. Its local Vert.x closes before the cluster is left, and a member that
   * leaves (or joins) meanwhile is no longer reported: on a closed event bus that failed, and
   * Hazelcast logged it as an error.
   */
  public void stopReporting() {
    stopped = true;
    clusterManager.nodeListener(null);
  }

  /**
   * This agent left the cluster to join it again through {@code next}: every member is reported
   * gone (the ring verticle then treats them as unreachable), and {@link #start} begins again
   * with the node id the new join gives this agent.
   */
  public void leftCluster(ClusterManager next) {
    Member was = self;
    self = null;
    peers = null;
    for (String nodeId : List.copyOf(members.keySet())) {
      if (was == null || !nodeId.equals(was.nodeId())) {
        nodeLeft(nodeId);
      }
    }
    members.clear();
    candidates.clear();
    heard.clear();
    listedAt.clear();
    greeting.clear();
    greetingFailed.clear();
    joinThrough(next);
  }

  /**
   * Members are read from {@code next}, the cluster manager of a join about to begin, from now
   * on: a manager the agent made before it knew how it would join is replaced so.
   */
  public void joinThrough(ClusterManager next) {
    // The old cluster manager may still be dispatching events of the cluster this agent left.
    clusterManager.nodeListener(null);
    clusterManager = next;
    if (!stopped) {
      next.nodeListener(this);
    }
  }

  /** The address this agent is greeted on, or empty before it has joined. */
  public Optional<String> greetingAddress() {
    Member me = self;
    return me == null ? Optional.empty() : Optional.of(HELLO_PREFIX + me.nodeId());
  }

  /**
   * Sends this agent's own greeting to itself across the clustered event bus, which looks its
   * address up in the cluster's registry: completes once it came back. Whether the cluster layer
   * still works, end to end, as peers need it to.
   */
  public Future<Void> greetSelf(long timeoutMs) {
    Vertx bus = peers;
    Member me = self;
    if (bus == null || me == null) {
      return Future.failedFuture("not joined");
    }
    return bus.eventBus().request(HELLO_PREFIX + me.nodeId(), introduction(),
        new DeliveryOptions().setSendTimeout(timeoutMs)).mapEmpty();
  }

  private void warnIfSilent(Member candidate) {
    Long since = listedAt.get(candidate.nodeId());
    if (since != null && System.currentTimeMillis() - since > SILENT_WARN_MS
        && warned.add(candidate.nodeId())) {
      String failure = greetingFailed.get(candidate.nodeId());
      LOG.warn("a node at {}:{} has been in the Hazelcast cluster for {} s claiming to be {} but"
          + " has not spoken over the event bus{}{}: it is not treated as a peer. If it is not one"
          + " of your agents, bind --cluster-addr to a private address, firewall ports 6783 and"
          + " 6785{}", candidate.host(), candidate.busPort(), SILENT_WARN_MS / 1000,
          candidate.label(), tls.enabled() ? " with this cluster's certificate" : "",
          failure == null ? "" : " (the last greeting to it failed: " + failure + ")",
          tls.enabled() ? "" : " and use --tls-cert/--tls-key/--tls-ca");
    }
  }

  /**
   * Holds the members to the node list Hazelcast has now (a local read). Vert.x reports a node
   * that left only once it has dropped the node's addresses from the cluster's registry; when
   * that fails (Hazelcast merging) the node is never reported gone, and a peer that joined again
   * under a new node id would be counted twice. And a node whose identity could not be read when
   * it joined (its entry not yet written) is tried again here, every {@link #RESOLVE_AGAIN_MS}.
   */
  private void reconcile() {
    Member me = self;
    if (peers == null || me == null) {
      return;
    }
    Set<String> listed;
    try {
      listed = Set.copyOf(clusterManager.getNodes());
    } catch (IllegalStateException notRunning) {
      // Hazelcast is not running (it stopped, or shut down to be joined again): nothing to
      // reconcile until the cluster is joined again, and leaving is reported by that path.
      LOG.debug("cluster members not read: {}", notRunning.getMessage());
      return;
    }
    for (String nodeId : List.copyOf(members.keySet())) {
      if (!nodeId.equals(me.nodeId()) && !listed.contains(nodeId)) {
        nodeLeft(nodeId);
      }
    }
    for (String nodeId : List.copyOf(candidates.keySet())) {
      if (!listed.contains(nodeId)) {
        nodeLeft(nodeId);
      }
    }
    long now = System.currentTimeMillis();
    unresolved.keySet().retainAll(listed);
    for (String nodeId : listed) {
      if (nodeId.equals(me.nodeId()) || members.containsKey(nodeId)
          || candidates.containsKey(nodeId)) {
        unresolved.remove(nodeId);
      } else if (now - unresolved.computeIfAbsent(nodeId, n -> now) >= RESOLVE_AGAIN_MS) {
        unresolved.put(nodeId, now);
        resolve(nodeId, QUIET_ATTEMPT);
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

  /** A snapshot of the members (never mere candidates): this agent first, then by peer name. */
  public List<Member> members() {
    List<Member> list = new ArrayList<>(members.values());
    list.sort((a, b) -> a == self ? -1 : b == self ? 1 : a.peerName().compareTo(b.peerName()));
    return list;
  }

  /**
   * How many nodes Hazelcast lists, this one included, whether or not they have spoken; 0 while
   * the cluster is still joining (the agent serves meanwhile, and Hazelcast has no member list).
   */
  public int listed() {
    return peers == null ? 0 : clusterManager.getNodes().size();
  }

  @Override
  public void nodeAdded(String nodeId) {
    // After a split-brain merge Hazelcast reports ourselves and known members again.
    if (peers != null && !members.containsKey(nodeId)) {
      resolve(nodeId, 1);
    }
  }

  @Override
  public void nodeLeft(String nodeId) {
    candidates.remove(nodeId);
    listedAt.remove(nodeId);
    heard.remove(nodeId);
    greetingFailed.remove(nodeId);
    Member gone = members.remove(nodeId);
    if (gone != null && vertx != null && !stopped) {
      LOG.info("member left: {} at {}:{} ({} in cluster)", gone.label(), gone.host(),
          gone.busPort(), members.size());
      vertx.eventBus().publish(ADDRESS, new JsonObject().put("type", "left")
          .put("member", gone.toJson()));
    }
  }

  private void resolve(String nodeId, int attempt) {
    ClusterManager asked = clusterManager;
    asked.getNodeInfo(nodeId, (NodeInfo info, Throwable failure) -> {
      if (asked != clusterManager) {
        return; // this agent has left that cluster since
      }
      if (failure != null || info == null) {
        if (stopped) {
          return;
        }
        if (attempt < INFO_ATTEMPTS && clusterManager.getNodes().contains(nodeId)) {
          vertx.setTimer(100, t -> resolve(nodeId, attempt + 1));
        } else if (attempt == INFO_ATTEMPTS) {
          LOG.warn("member {} joined but its identity could not be read: {}", nodeId,
              failure == null ? "no node info" : failure.getMessage());
        }
        return;
      }
      listed(Member.of(nodeId, info.host(), info.port(), info.metadata()));
    });
  }

  /** Hazelcast lists a node: a candidate, greeted until it answers over the event bus. */
  private void listed(Member claimed) {
    if (peers == null || !clusterManager.getNodes().contains(claimed.nodeId())
        || members.containsKey(claimed.nodeId())) {
      return;
    }
    candidates.put(claimed.nodeId(), claimed);
    listedAt.putIfAbsent(claimed.nodeId(), System.currentTimeMillis());
    LOG.debug("node {} at {}:{} joined Hazelcast claiming to be {}: not a peer until it speaks"
        + " over the event bus", claimed.nodeId(), claimed.host(), claimed.busPort(),
        claimed.label());
    JsonObject early = heard.remove(claimed.nodeId());
    if (early != null) {
      vouched(early);
    } else {
      greet(claimed.nodeId());
    }
  }

  private JsonObject introduction() {
    Member me = self;
    if (me == null) {
      return new JsonObject();
    }
    return new JsonObject().put("nodeId", me.nodeId()).put("metadata", Member.metadata(
        me.peerName(), me.nickname(), me.httpAddr(), me.observer(), me.startedAtMs()));
  }

  private void greet(String nodeId) {
    Vertx bus = peers;
    if (bus == null || !candidates.containsKey(nodeId) || !greeting.add(nodeId)) {
      return;
    }
    bus.eventBus().<JsonObject>request(HELLO_PREFIX + nodeId, introduction(), GREETING)
        .onComplete(ar -> {
          greeting.remove(nodeId);
          if (ar.failed()) {
            greetingFailed.put(nodeId, ar.cause() instanceof ReplyException reply
                ? reply.failureType() + ": " + reply.getMessage() : ar.cause().toString());
          } else if (nodeId.equals(ar.result().body().getString("nodeId"))) {
            vouched(ar.result().body());
          }
        });
  }

  /** A greeting that crossed the event bus: its sender is a peer (with TLS, authenticated). */
  private void greeted(Vertx bus, Message<JsonObject> message) {
    if (bus != peers) {
      return; // a greeting still in flight on a cluster this agent has left
    }
    message.reply(introduction());
    JsonObject body = message.body();
    String nodeId = body.getString("nodeId");
    if (nodeId == null || members.containsKey(nodeId)) {
      return;
    }
    if (candidates.containsKey(nodeId)) {
      vouched(body);
    } else if (clusterManager.getNodes().contains(nodeId)) {
      heard.put(nodeId, body);
    }
  }

  private void vouched(JsonObject introduction) {
    String nodeId = introduction.getString("nodeId");
    Member claimed = candidates.get(nodeId);
    if (claimed == null) {
      return;
    }
    Member spoken = Member.of(nodeId, claimed.host(), claimed.busPort(),
        introduction.getJsonObject("metadata"));
    if (!PeerName.isValid(spoken.peerName())) {
      if (warned.add(nodeId)) {
        LOG.warn("the cluster member at {}:{} answered on the event bus without a weft peer"
            + " name: it is not treated as a peer", claimed.host(), claimed.busPort());
      }
      return;
    }
    if (!spoken.peerName().equals(claimed.peerName()) && warned.add(nodeId)) {
      LOG.warn("the cluster member at {}:{} is listed by Hazelcast as {} but says it is {} over"
          + " the event bus: the event bus is believed, the listing may be forged",
          claimed.host(), claimed.busPort(), claimed.peerName(), spoken.peerName());
    }
    listedAt.remove(nodeId);
    greetingFailed.remove(nodeId);
    if (candidates.remove(nodeId) == null || !clusterManager.getNodes().contains(nodeId)
        || members.putIfAbsent(nodeId, spoken) != null) {
      return;
    }
    LOG.info("member joined: {} at {}:{} ({} in cluster)", spoken.label(), spoken.host(),
        spoken.busPort(), members.size());
    if (stopped) {
      return;
    }
    vertx.eventBus().publish(ADDRESS, new JsonObject().put("type", "joined")
        .put("member", spoken.toJson()));
    Member me = self;
    if (me != null && spoken.peerName().equals(me.peerName())) {
      duplicateNameFound.accept(spoken);
    }
  }
}
