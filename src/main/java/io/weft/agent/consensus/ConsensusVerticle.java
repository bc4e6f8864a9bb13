package io.weft.agent.consensus;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.weft.agent.cluster.Membership;
import io.weft.agent.ipam.ConsensusLink;
import io.weft.agent.ipam.IpamHealth;
import io.weft.agent.ipam.IpamSettings;
import io.weft.ipam.Message;
import io.weft.ipam.Outcome;
import io.weft.ipam.PersistedState;
import io.weft.ipam.Seeding;
import io.weft.ring.PeerName;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pure {@link Seeding} machine: the one-time Paxos that decides which peers seed the
 * ring. It hears other peers' Paxos knowledge on the clustered {@code weft.gossip} and on its
 * own {@code weft.consensus.peer.NAME}, the ring verticle's wish for a ring on
 * {@link ConsensusLink#ESTABLISH}, membership (a peer that joins hears what this one knows, so
 * that a proposal counts every elector heard of) and a one-second timer. It hands every step's
 * {@link Outcome} to the ring verticle on {@link ConsensusLink#OUTCOMES}, which persists the
 * claims, then gossips, then builds the ring from the agreed seeds. When the ring exists
 * ({@link ConsensusLink#RING_EXISTS}) it stops listening for good; a peer started with a ring
 * (or seeded from a list, or reset) never listens at all.
 */
public final class ConsensusVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ConsensusVerticle.class);

  private final IpamSettings settings;
  private final Membership membership;
  private final PersistedState restored;
  private final IpamHealth health;
  private final long startNanos = System.nanoTime();
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private Seeding seeding;
  private long timer = -1;
  private Outcome.Progress reported;

  /** {@code restored} is the state the ring verticle started from (the same store). */
  public ConsensusVerticle(IpamSettings settings, Membership membership, PersistedState restored,
      IpamHealth health) {
    this.settings = settings;
    this.membership = membership;
    this.restored = restored;
    this.health = health;
  }

  @Override
  public Future<?> start() {
    ConsensusLink.registerCodec(vertx);
    seeding = Seeding.of(settings.allocatorConfig(new SecureRandom().nextLong()), restored);
    if (seeding.done()) {
      LOG.debug("a ring exists or needs no agreement: consensus stays idle");
      return Future.succeededFuture();
    }
    var gossip = vertx.eventBus().<Buffer>consumer(ConsensusLink.GOSSIP, m -> heard(m.body()));
    var direct = vertx.eventBus().<Buffer>consumer(ConsensusLink.PEER_PREFIX + settings.self(),
        m -> heard(m.body()));
    consumers.add(gossip);
    consumers.add(direct);
    consumers.add(vertx.eventBus().localConsumer(ConsensusLink.ESTABLISH,
        m -> step(() -> seeding.establish(now()))));
    consumers.add(vertx.eventBus().localConsumer(ConsensusLink.RING_EXISTS, m -> finished()));
    consumers.add(vertx.eventBus().<JsonObject>localConsumer(Membership.ADDRESS,
        m -> membershipChanged(m.body())));
    timer = vertx.setPeriodic(1000, t -> step(() -> seeding.tick(now())));
    // Members already there joined before this verticle listened: tell them too.
    membership.members().forEach(m -> joined(m.peerName()));
    return Future.all(gossip.completion(), direct.completion());
  }

  private long now() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private void heard(Buffer bytes) {
    Message message;
    try {
      message = ConsensusLink.decode(bytes);
    } catch (RuntimeException e) {
      return; // the ring verticle hears the same bytes and logs them
    }
    step(() -> seeding.receive(now(), message));
  }

  /** A member joined: it hears what this node's Paxos knows, on its own consensus address. */
  private void membershipChanged(JsonObject event) {
    if ("joined".equals(event.getString("type"))) {
      joined(event.getJsonObject("member", new JsonObject()).getString("name"));
    }
  }

  /**
   * A joining node registers its consumers just after Hazelcast announces it, so the first
   * message can be lost: tell it once more a second later rather than wait for a proposal.
   */
  private void joined(String name) {
    if (!PeerName.isValid(name) || name.equals(settings.self().toString())) {
      return;
    }
    PeerName peer = PeerName.parse(name);
    step(() -> seeding.memberJoined(now(), peer));
    vertx.setTimer(1000, t -> step(() -> seeding.memberJoined(now(), peer)));
  }

  /**
   * Runs one step and hands its outcome over when it asks for anything or consensus moved. A
   * broken Paxos invariant stops the agent: a peer that could vote twice must not go on.
   */
  private void step(Supplier<Outcome> step) {
    if (seeding.done()) {
      return;
    }
    Outcome out;
    try {
      out = step.get();
    } catch (RuntimeException e) {
      LOG.error("internal error in consensus; stopping the agent", e);
      health.internalError("internal error: " + e.getMessage());
      return;
    }
    boolean moved = !Objects.equals(out.progress(), reported);
    if (moved || out.persist() || !out.sends().isEmpty() || out.agreed() != null) {
      reported = out.progress();
      vertx.eventBus().send(ConsensusLink.OUTCOMES, out, ConsensusLink.LOCAL);
    }
  }

  /** The ring exists: nothing is left to agree on. */
  private void finished() {
    seeding.ringExists();
    vertx.cancelTimer(timer);
    consumers.forEach(MessageConsumer::unregister);
    consumers.clear();
    LOG.debug("the ring exists: consensus has nothing more to do");
  }
}
