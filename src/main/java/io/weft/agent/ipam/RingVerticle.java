package io.weft.agent.ipam;

import static io.weft.agent.ipam.RequestFields.abbreviate;
import static io.weft.agent.ipam.RequestFields.address;
import static io.weft.agent.ipam.RequestFields.flag;
import static io.weft.agent.ipam.RequestFields.ident;
import static io.weft.agent.ipam.RequestFields.optionalText;
import static io.weft.agent.ipam.RequestFields.prefixed;
import static io.weft.agent.ipam.RequestFields.subnet;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
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
import io.weft.ipam.Result;
import io.weft.ipam.ResultCode;
import io.weft.net.Cidr;
import io.weft.net.PrefixedAddress;
import io.weft.ring.PeerName;
import io.weft.store.Batch;
import io.weft.store.Store;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
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
  private static final DeliveryOptions ALIVE_CHECK = new DeliveryOptions().setLocalOnly(true)
      .setSendTimeout(5000);

  private final IpamSettings options;
  private final Membership membership;
  private final PeerName self;
  private final String storeFile;
  private final WaitingRequests waiting = new WaitingRequests();
  private final Map<String, PeerName> peerOfNode = new HashMap<>();
  private Allocator allocator;
  private final long startNanos = System.nanoTime();

  private final Store store;
  private final PersistedState restored;
  private GroupCommit commits;
  private Delivery delivery;

  private final IpamMetrics metrics;
  private final DockerStatus docker;
  private final IpamHealth health;

  public RingVerticle(IpamSettings options, Membership membership, Store store,
      PersistedState restored, IpamMetrics metrics, DockerStatus docker, IpamHealth health) {
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
    delivery = new Delivery(vertx, metrics, waiting, () -> StatusReport.ipamText(allocator),
        self.toString());
    commits = new GroupCommit(vertx, store, metrics, why -> {
      health.storeFailed(why);
    });
    if (!restored.ring().isEmpty() || !restored.allocations().isEmpty()) {
      LOG.info("restored from {}: {} allocation(s), ring of {} entries ({})", storeFile,
          restored.allocations().size(), restored.ring().entries().size(),
          allocator.consensus().name().toLowerCase(java.util.Locale.ROOT));
    }
    var ipam = vertx.eventBus().localConsumer(IpamApi.ADDRESS, this::handle);
    var gossip = vertx.eventBus().<Buffer>consumer(Delivery.GOSSIP,
        m -> trusted(() -> fromPeer(m)));
    var direct = vertx.eventBus().<Buffer>consumer(Delivery.PEER_PREFIX + self,
        m -> trusted(() -> fromPeer(m)));
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

  private long now() {
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
  private void carry(Outcome out) {
    carry(out, null);
  }

  private void carry(Outcome out, Runnable afterwards) {
    commits.submit(out.persist() ? batch -> StateCodec.write(out, batch) : null,
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


  /**
   * With {@code checkAlive} the ident is a container that must be running (as Weave's
   * {@code ?check-alive=true}): the request is cancelled when the engine says it is not. When the
   * engine cannot say (unwatched, unavailable), the request goes ahead.
   */
  private void whenAlive(Message<JsonObject> message, String ident, boolean checkAlive,
      Runnable request) {
    if (!checkAlive || docker.state() != DockerStatus.State.CONNECTED) {
      request.run();
      return;
    }
    vertx.eventBus().<JsonObject>request(ContainerWatchVerticle.ALIVE,
        new JsonObject().put("id", ident), ALIVE_CHECK).onComplete(ar -> {
          if (ar.succeeded() && Boolean.FALSE.equals(ar.result().body().getBoolean("running"))) {
            message.fail(ResultCode.UNAVAILABLE.code(), "request for " + ident + " cancelled: container "
                + ident + " is not running (check-alive)");
          } else {
            guarded(message, request);
          }
        });
  }

  // ---- the local API ----

  @SuppressWarnings("unchecked")
  private void handle(Message<Object> request) {
    Message<JsonObject> message = (Message<JsonObject>) (Message<?>) request;
    guarded(message, () -> {
      if (!(request.body() instanceof JsonObject body)) {
        throw new RequestFields.BadRequest("the request must be a JSON object such as {\"op\":\"status\"}");
      }
      String op = optionalText(body, "op");
      if (op == null) {
        throw new RequestFields.BadRequest("the request has no 'op': send JSON such as {\"op\":\"status\"}");
      }
      dispatch(op, body, message);
    });
  }

  /** Runs one request: bad input is a 400, overload a 503, anything else stops the agent. */
  private void guarded(Message<JsonObject> message, Runnable work) {
    try {
      work.run();
    } catch (RequestFields.BadRequest e) {
      message.fail(ResultCode.BAD_REQUEST.code(), e.getMessage());
    } catch (RequestFields.Overloaded e) {
      message.fail(ResultCode.UNAVAILABLE.code(), e.getMessage());
    } catch (RuntimeException e) {
      // Our state may no longer be trusted: stop rather than hand out duplicates.
      LOG.error("internal error handling {}; stopping the agent", message.body(), e);
      message.fail(ResultCode.UNAVAILABLE.code(), "internal error: " + e.getMessage());
      health.internalError("internal error: " + e);
    }
  }

  private void dispatch(String op, JsonObject body, Message<JsonObject> message) {
    switch (op) {
      case "allocate" -> allocate(body, message);
      case "claim" -> claim(body, message);
      case "lookup" -> message.reply(lookup(body));
      case "free" -> free(body, message);
      case "delete" -> delete(body, message);
      case "owned" -> message.reply(Replies.owned(allocator.owned()));
      case "status" -> message.reply(status());
      case "ring-view" -> message.reply(RingView.of(allocator));
      case "status-ipam" -> message.reply(new JsonObject().put("text",
          StatusReport.ipamText(allocator)));
      case "consense", "ring", "prime" -> prime(body, message);
      case "rmpeer" -> rmpeer(body, message);
      case "reset" -> reset(message);
      case "cancel" -> cancel(body, message);
      default -> throw new RequestFields.BadRequest("unknown op '" + abbreviate(op)
          + "': use one of allocate, claim, lookup, free, delete, status, consense");
    }
  }

  private void allocate(JsonObject body, Message<JsonObject> message) {
    String id = ident(body);
    Cidr subnet = subnet(body, "subnet", options.defaultSubnet());
    boolean checkAlive = flag(body, "checkAlive");
    boolean container = checkAlive || ContainerIds.looksLikeContainerId(id);
    whenAlive(message, id, checkAlive, () -> {
      WaitingRequests.Ticket t = mayWait(message, body, Replies::address, true);
      carry(allocator.allocate(now(), t.requestId(), id, subnet, container));
    });
  }

  private void claim(JsonObject body, Message<JsonObject> message) {
    String id = ident(body);
    PrefixedAddress address = prefixed(body.getValue("address"));
    boolean checkAlive = flag(body, "checkAlive");
    boolean container = checkAlive || ContainerIds.looksLikeContainerId(id);
    boolean noErrorOnUnknown = flag(body, "noErrorOnUnknown");
    whenAlive(message, id, checkAlive, () -> {
      WaitingRequests.Ticket t = mayWait(message, body, Replies::address, true);
      carry(allocator.claim(now(), t.requestId(), id, address, noErrorOnUnknown, container));
    });
  }

  private JsonObject lookup(JsonObject body) {
    String id = ident(body);
    Cidr subnet = body.containsKey("subnet") ? subnet(body, "subnet", options.defaultSubnet())
        : null;
    return Replies.addresses(allocator.lookup(id, subnet));
  }

  private void free(JsonObject body, Message<JsonObject> message) {
    String id = ident(body);
    long address = address(optionalText(body, "address"));
    WaitingRequests.Ticket t = answeredAtOnce(message, Replies::freed);
    carry(allocator.free(now(), t.requestId(), id, address));
  }

  private void delete(JsonObject body, Message<JsonObject> message) {
    String id = ident(body);
    WaitingRequests.Ticket t = answeredAtOnce(message, Replies::freed);
    carry(allocator.delete(now(), t.requestId(), id));
  }

  private JsonObject status() {
    return StatusReport.json(allocator, options, membership, storeFile, docker)
        .put("storeCommits", commits.commits())
        .put("storeLastBatchSize", commits.lastBatchSize())
        .put("storeLastCommitMs", commits.lastCommitMs())
        .mergeIn(membership.tls().statusFields());
  }

  private void prime(JsonObject body, Message<JsonObject> message) {
    WaitingRequests.Ticket t = mayWait(message, body, r -> new JsonObject().put("consensus", r.value())
        .put("ring", Wire.ring(allocator.ringState())), false);
    carry(allocator.prime(now(), t.requestId()));
  }

  private void rmpeer(JsonObject body, Message<JsonObject> message) {
    String peer = optionalText(body, "peer");
    if (peer == null || peer.isBlank()) {
      throw new RequestFields.BadRequest("rmpeer needs 'peer': a peer name or nickname");
    }
    WaitingRequests.Ticket t = mayWait(message, body, r -> new JsonObject().put("message", r.value()),
        false);
    carry(allocator.rmpeer(now(), t.requestId(), peer, flag(body, "force")));
    LOG.info("rmpeer {}: done", peer);
  }

  private void reset(Message<JsonObject> message) {
    carry(allocator.shutdown(now()));
    health.wasReset();
    LOG.warn("reset: this peer's ranges were handed to another peer; it allocates no more."
        + " It stays up (status, health) until stopped; clear its data directory before"
        + " launching it again");
    // Durable before the answer, so that a restart under the same name stays reset.
    commits.submit(Batch::markReset, () -> message.reply(new JsonObject()));
  }

  private void cancel(JsonObject body, Message<JsonObject> message) {
    waiting.byToken(optionalText(body, "token"))
        .ifPresent(requestId -> carry(allocator.cancel(requestId)));
    message.reply(new JsonObject());
  }

  /**
   * Holds a request that may wait (bounded; refused beyond the bounds) and replies with
   * {@code render} of its value once the allocator answers it. Allocations and claims count in
   * the allocation latency.
   */
  private WaitingRequests.Ticket mayWait(Message<JsonObject> message, JsonObject body,
      Function<Result, JsonObject> render, boolean allocation) {
    long started = System.nanoTime();
    long timeoutMs = RequestFields.timeoutMs(body);
    WaitingRequests.Ticket ticket = waiting.mayWait(optionalText(body, "id"),
        optionalText(body, "token"));
    long timer = timeoutMs <= 0 ? -1 : vertx.setTimer(timeoutMs, x -> carry(allocator.cancel(
        ticket.requestId(), "no answer within the request's deadline of " + timeoutMs + " ms"
            + " (the ring or free space is still missing); try again, or give a longer timeout")));
    ticket.answer().onSuccess(result -> {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      if (allocation) {
        metrics.allocationAnswered(started);
      }
      Replies.reply(message, result, render);
    });
    return ticket;
  }

  private WaitingRequests.Ticket answeredAtOnce(Message<JsonObject> message,
      Function<Result, JsonObject> render) {
    WaitingRequests.Ticket ticket = waiting.answeredAtOnce();
    ticket.answer().onSuccess(result -> Replies.reply(message, result, render));
    return ticket;
  }
}
