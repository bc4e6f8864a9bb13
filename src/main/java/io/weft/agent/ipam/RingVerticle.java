package io.weft.agent.ipam;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.weft.agent.cluster.Member;
import io.weft.agent.cluster.Membership;
import io.weft.docker.ContainerIds;
import io.weft.docker.ContainerReport;
import io.weft.docker.ContainerWatchVerticle;
import io.weft.docker.DockerStatus;
import io.weft.ipam.Allocator;
import io.weft.ipam.AllocatorConfig;
import io.weft.ipam.EventType;
import io.weft.ipam.Outcome;
import io.weft.ipam.PersistedState;
import io.weft.ring.PeerName;
import io.weft.store.Store;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only owner of IPAM state on this host. It wraps the pure {@link Allocator}: requests on
 * {@code weft.ipam}, gossip from other peers, membership changes and a timer become calls on the
 * allocator, and this verticle carries out the {@link Outcome} each returns. Requests that wait
 * (consensus, space, a claim) are kept by id and answered when a later outcome completes them.
 * Consensus (Paxos) is the consensus verticle's: this one asks it for a ring and carries the
 * outcomes it hands back ({@link ConsensusLink}).
 */
public final class RingVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RingVerticle.class);

  private final IpamSettings options;
  private final Membership membership;
  private final PeerName self;
  private final String storeFile;
  private final WaitingRequests waiting = new WaitingRequests();
  private final LocalApi api = new LocalApi(this);
  private final LocalIpam local = new LocalIpam(api);
  private final Map<String, PeerName> peerOfNode = new HashMap<>();
  private Allocator allocator;
  private final long startNanos = System.nanoTime();

  private final Store store;
  private final PersistedState restored;
  private GroupCommit commits;
  private final boolean skipStore = TestHooks.skipStore();
  private Delivery delivery;

  private final IpamMetrics metrics;
  private final DockerStatus docker;
  private final IpamHealth health;
  private final PeerTransport peers;

  /** A verticle on a clustered Vert.x: peers are reached on its own event bus. */
  public RingVerticle(IpamSettings options, Membership membership, Store store,
      PersistedState restored, IpamMetrics metrics, DockerStatus docker, IpamHealth health) {
    this(options, membership, store, restored, metrics, docker, health, null);
  }

  /** Peers are reached through {@code peers}; null means this verticle's own event bus. */
  public RingVerticle(IpamSettings options, Membership membership, Store store,
      PersistedState restored, IpamMetrics metrics, DockerStatus docker, IpamHealth health,
      PeerTransport peers) {
    this.peers = peers;
    this.health = health;
    this.metrics = metrics;
    this.docker = docker;
    this.options = options;
    this.membership = membership;
    this.self = options.self();
    this.store = store;
    this.storeFile = store.file().toString();
    this.restored = restored;
  }

  @Override
  public Future<?> stop() {
    commits.close();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> start() {
    SecureRandom seeds = new SecureRandom();
    AllocatorConfig config = options.allocatorConfig(seeds.nextLong());
    allocator = Allocator.restore(config, new SplittableRandom(seeds.nextLong()), restored);
    if (allocator.isShutDown()) {
      health.wasReset();
    }
    delivery = new Delivery(vertx, peers == null ? PeerTransport.sameBus(vertx) : peers, metrics,
        waiting, () -> StatusReport.ipamText(allocator),
        self.toString());
    commits = new GroupCommit(vertx, GroupCommit.Sink.of(store), store.file(), metrics, health);
    if (!restored.ring().isEmpty() || !restored.allocations().isEmpty()) {
      LOG.info("restored from {}: {} allocation(s), ring of {} entries ({})", storeFile,
          restored.allocations().size(), restored.ring().entries().size(),
          allocator.consensus().name().toLowerCase(java.util.Locale.ROOT));
    }
    var ipam = vertx.eventBus().localConsumer(IpamApi.ADDRESS, api::handle);
    local.attach(context);
    var gossip = vertx.eventBus().<Buffer>consumer(Delivery.GOSSIP,
        m -> trusted(() -> fromPeer(m)));
    var direct = vertx.eventBus().<Buffer>consumer(Delivery.PEER_PREFIX + self,
        m -> trusted(() -> fromPeer(m)));
    vertx.eventBus().localConsumer(IpamApi.STOPPING, m -> trusted(() -> {
      carry(allocator.stopping());
      m.reply(null);
    }));
    ConsensusLink.registerCodec(vertx);
    vertx.eventBus().<Outcome>localConsumer(ConsensusLink.OUTCOMES,
        m -> trusted(() -> fromConsensus(m.body())));
    vertx.eventBus().<JsonObject>localConsumer(Membership.ADDRESS,
        m -> trusted(() -> membershipChanged(m.body())));
    vertx.eventBus().<Object>localConsumer(ContainerWatchVerticle.CONTAINERS,
        m -> trusted(() -> containerEvent(m.body())));
    for (Member m : membership.members()) {
      joined(m.nodeId(), m.peerName());
    }
    metrics.refresh(allocator);
    vertx.setPeriodic(1000, t -> trusted(() -> {
      carry(allocator.tick(now()));
      metrics.refresh(allocator);
    }));
    return Future.all(ipam.completion(), gossip.completion(), direct.completion());
  }

  long now() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  // ---- the cluster ----

  private void membershipChanged(JsonObject event) {
    JsonObject member = event.getJsonObject("member");
    if ("joined".equals(event.getString("type"))) {
      joined(member.getString("nodeId"), member.getString("name"));
    } else {
      PeerName gone = peerOfNode.remove(member.getString("nodeId"));
      if (gone != null && !peerOfNode.containsValue(gone)) {
        carry(allocator.memberLeft(now(), gone));
        delivery.publish(EventType.PEER_LEFT, null, null, gone.toString(), null);
      }
    }
  }

  private void joined(String nodeId, String peerName) {
    if (!PeerName.isValid(peerName) || peerName.equals(self.toString())) {
      return;
    }
    PeerName peer = PeerName.parse(peerName);
    peerOfNode.put(nodeId, peer);
    carry(allocator.memberJoined(now(), peer));
    delivery.publish(EventType.PEER_JOINED, null, null, peerName, null);
    // A joining node registers its consumers just after Hazelcast announces it, so the first
    // greeting can be lost; greet once more rather than wait for anti-entropy.
    vertx.setTimer(1000, t -> trusted(() -> {
      if (peer.equals(peerOfNode.get(nodeId))) {
        carry(allocator.memberJoined(now(), peer));
      }
    }));
  }

  /**
   * Runs one step that no client waits on (gossip, membership, containers, the timer). An
   * exception means the allocator's state can no longer be trusted (a broken invariant, a bug):
   * the agent stops rather than hand out duplicates, as it does when a request hits one.
   */
  private void trusted(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.error("internal error; stopping the agent", e);
      health.internalError("internal error: " + e.getMessage());
    }
  }

  /** Peer messages travel as JSON encoded once by the sender, so their size is known. */
  private void fromPeer(Message<Buffer> message) {
    io.weft.ipam.Message decoded;
    try {
      Buffer bytes = message.body();
      metrics.received(bytes.length());
      decoded = Wire.decode(new JsonObject(bytes));
    } catch (RuntimeException e) {
      LOG.warn("ignored a malformed message from the cluster: {}", e.getMessage());
      return;
    }
    carry(allocator.receive(now(), decoded));
  }


  // ---- carrying out what the allocator decided ----

  /**
   * Persist, then send, then answer, then publish events: the answers wait until the state they
   * report is durable (group commit).
   */
  void carry(Outcome out) {
    carry(out, null);
  }

  private void carry(Outcome out, Runnable afterwards) {
    commits.submit(out.persist() && !skipStore ? batch -> StateCodec.write(out, batch) : null,
        () -> {
          delivery.deliver(out);
          ConsensusLink.tell(vertx, out);
          if (afterwards != null) {
            afterwards.run();
          }
        });
  }

  /** A consensus step: carried like our own (claims durable before gossip), then its value. */
  private void fromConsensus(Outcome consensus) {
    carry(consensus);
    carry(allocator.afterConsensus(now(), consensus));
  }

  // ---- containers ----

  /**
   * What the container watcher saw. The engine names containers by full ID; an allocation may be
   * filed under the short form, so both are told.
   */
  private void containerEvent(Object body) {
    if (!(body instanceof ContainerReport report)) {
      LOG.warn("ignored a message on {} that is not a container report: {}",
          ContainerWatchVerticle.CONTAINERS, body);
      return;
    }
    if (report instanceof ContainerReport.Prune prune) {
      Set<String> live = new HashSet<>();
      prune.live().forEach(id -> live.addAll(ContainerIds.identsOf(id)));
      Outcome out = allocator.pruneOwned(now(), live);
      if (!out.removed().isEmpty()) {
        LOG.info("freed {} address(es) of containers that no longer exist", out.removed().size());
      }
      carry(out);
      return;
    }
    ContainerReport.Happened happened = (ContainerReport.Happened) report;
    String id = happened.event().id();
    BiFunction<Long, String, Outcome> effect = switch (happened.event().kind()) {
      case DIED -> allocator::containerDied;
      case STARTED -> allocator::containerStarted;
      case DESTROYED -> allocator::containerDestroyed;
      case CREATED -> null; // the watcher keeps these for its listing
    };
    if (effect == null) {
      return;
    }
    Runnable handled = () -> metrics.containerEventHandled(happened.readNanos());
    for (String ident : ContainerIds.identsOf(id)) {
      Outcome out = effect.apply(now(), ident);
      if (!out.removed().isEmpty()) {
        LOG.info("container {} was removed: freed {}", ContainerIds.shortForm(id),
            out.removed().stream().map(a -> a.address().toString()).toList());
      }
      // Commits run in order: once the last is delivered, the event has had its effect.
      carry(out, ident.equals(id) ? handled : null);
    }
  }


  // ---- what the local API (LocalApi, LocalIpam) needs of this verticle ----

  io.vertx.core.Vertx vertx() {
    return vertx;
  }

  Allocator allocator() {
    return allocator;
  }

  IpamSettings settings() {
    return options;
  }

  WaitingRequests waiting() {
    return waiting;
  }

  GroupCommit commits() {
    return commits;
  }

  IpamMetrics metrics() {
    return metrics;
  }

  DockerStatus docker() {
    return docker;
  }

  IpamHealth health() {
    return health;
  }

  /** The local API as typed calls, for the HTTP API in this JVM (no event-bus hop, no JSON). */
  public LocalIpam local() {
    return local;
  }

  JsonObject status() {
    return StatusReport.json(allocator, options, membership, storeFile, docker)
        // "ok", or why the disk is full while changes wait for space.
        .put("store", commits.full() == null ? "ok" : "full: " + commits.full())
        .put("storeCommits", commits.commits())
        .put("storeLastBatchSize", commits.lastBatchSize())
        .put("storeLastCommitMs", commits.lastCommitMs())
        .mergeIn(membership.tls().statusFields());
  }
}
