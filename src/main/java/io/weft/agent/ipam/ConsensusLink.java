package io.weft.agent.ipam;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;
import io.weft.ipam.Message;
import io.weft.ipam.Outcome;

/**
 * What the ring verticle offers the consensus verticle, on the local event bus: the allocator's
 * wish for a ring ({@link #ESTABLISH}) and the news that it has one ({@link #RING_EXISTS}) go
 * out; each step of consensus comes back as its {@link Outcome} on {@link #OUTCOMES}, which the
 * ring verticle carries like its own (persist the Paxos claims, then gossip) and hands to the
 * allocator (the agreed seeds). The outcome is passed as it is through a local codec: it never
 * leaves the process.
 */
public final class ConsensusLink {
  /** Ring verticle to consensus: a request waits for a ring; start if not running. */
  public static final String ESTABLISH = "weft.consensus.establish";
  /** Ring verticle to consensus: the ring exists (agreed or received); stop for good. */
  public static final String RING_EXISTS = "weft.consensus.ring-exists";
  /** Consensus to ring verticle: one step's outcome. */
  public static final String OUTCOMES = "weft.consensus.outcomes";
  /** Clustered: {@code weft.consensus.peer.NAME} is peer NAME's consensus verticle. */
  public static final String PEER_PREFIX = "weft.consensus.peer.";
  /** The clustered address every peer's gossip is published on (Paxos knowledge among it). */
  public static final String GOSSIP = Delivery.GOSSIP;

  /** Local only, with the codec that hands the outcome over as it is. */
  public static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true)
      .setCodecName(OutcomeCodec.NAME);
  static final DeliveryOptions SIGNAL = new DeliveryOptions().setLocalOnly(true);

  private ConsensusLink() {}

  /** What an allocator outcome asks of the consensus verticle: start, or stop for good. */
  static void tell(Vertx vertx, Outcome out) {
    if (out.ringExists()) {
      vertx.eventBus().send(RING_EXISTS, null, SIGNAL);
    }
    if (out.establish()) {
      vertx.eventBus().send(ESTABLISH, null, SIGNAL);
    }
  }

  /** A peer's message as published on {@link #GOSSIP}. */
  public static Message decode(Buffer bytes) {
    return Wire.decode(new JsonObject(bytes));
  }

  /** Registers the outcome codec on {@code vertx}'s event bus unless it already is. */
  public static void registerCodec(Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new OutcomeCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // One codec serves both verticles of this Vert.x.
    }
  }

  /** The outcome itself to the local consumer, which owns it from then on. */
  static final class OutcomeCodec implements MessageCodec<Outcome, Outcome> {
    static final String NAME = "weft.consensus-outcome";

    @Override
    public void encodeToWire(Buffer buffer, Outcome outcome) {
      throw new UnsupportedOperationException("consensus outcomes stay in this process");
    }

    @Override
    public Outcome decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("consensus outcomes stay in this process");
    }

    @Override
    public Outcome transform(Outcome outcome) {
      return outcome; // the sender never touches it again
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
