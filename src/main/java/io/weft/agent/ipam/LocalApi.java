package io.weft.agent.ipam;

import static io.weft.agent.ipam.RequestFields.abbreviate;
import static io.weft.agent.ipam.RequestFields.address;
import static io.weft.agent.ipam.RequestFields.flag;
import static io.weft.agent.ipam.RequestFields.ident;
import static io.weft.agent.ipam.RequestFields.optionalText;
import static io.weft.agent.ipam.RequestFields.prefixed;
import static io.weft.agent.ipam.RequestFields.subnet;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.weft.docker.ContainerIds;
import io.weft.docker.ContainerWatchVerticle;
import io.weft.docker.DockerStatus;
import io.weft.ipam.ResultCode;
import io.weft.net.Cidr;
import io.weft.net.PrefixedAddress;
import io.weft.store.Batch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local API's requests on the {@link RingVerticle}'s context: {@code weft.ipam} messages
 * ({@link #handle}) and the typed calls of {@link LocalIpam}, which reach the same methods without
 * the event bus. Every request is checked before it changes anything, and answered through an
 * {@link Answer} once its outcome is durable.
 */
final class LocalApi {
  private static final Logger LOG = LoggerFactory.getLogger(RingVerticle.class);
  private static final DeliveryOptions ALIVE_CHECK = new DeliveryOptions().setLocalOnly(true)
      .setSendTimeout(5000);

  private final RingVerticle ring;

  LocalApi(RingVerticle ring) {
    this.ring = ring;
  }

  Cidr defaultSubnet() {
    return ring.settings().defaultSubnet();
  }

  @SuppressWarnings("unchecked")
  void handle(Message<Object> request) {
    Message<JsonObject> message = (Message<JsonObject>) (Message<?>) request;
    Answer failures = Answer.of(message, r -> new JsonObject());
    guarded(failures, () -> {
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
  void guarded(Answer answer, Runnable work) {
    try {
      work.run();
    } catch (RequestFields.BadRequest e) {
      answer.fail(ResultCode.BAD_REQUEST, e.getMessage());
    } catch (RequestFields.Overloaded e) {
      answer.fail(ResultCode.UNAVAILABLE, e.getMessage());
    } catch (RuntimeException e) {
      // Our state may no longer be trusted: stop rather than hand out duplicates.
      LOG.error("internal error handling {}; stopping the agent", answer.describe(), e);
      answer.fail(ResultCode.UNAVAILABLE, "internal error: " + e.getMessage());
      ring.health().internalError("internal error: " + e);
    }
  }

  private void dispatch(String op, JsonObject body, Message<JsonObject> message) {
    switch (op) {
      case "allocate" -> allocate(body, Answer.of(message, Replies::address));
      case "claim" -> claim(body, Answer.of(message, Replies::address));
      case "lookup" -> message.reply(lookup(body));
      case "free" -> free(ident(body), address(optionalText(body, "address")),
          Answer.of(message, Replies::freed));
      case "delete" -> delete(ident(body), Answer.of(message, Replies::freed));
      case "owned" -> message.reply(Replies.owned(ring.allocator().owned()));
      case "status" -> message.reply(ring.status());
      case "ring-view" -> message.reply(RingView.of(ring.allocator()));
      case "status-ipam" -> message.reply(new JsonObject().put("text",
          StatusReport.ipamText(ring.allocator())));
      case "consense", "ring", "prime" -> prime(body, message);
      case "rmpeer" -> rmpeer(body, message);
      case "reset" -> reset(message);
      case "cancel" -> {
        cancel(optionalText(body, "token"));
        message.reply(new JsonObject());
      }
      default -> throw new RequestFields.BadRequest("unknown op '" + abbreviate(op)
          + "': use one of allocate, claim, lookup, free, delete, status, consense");
    }
  }

  private void allocate(JsonObject body, Answer answer) {
    String id = ident(body);
    Cidr subnet = subnet(body, "subnet", ring.settings().defaultSubnet());
    boolean checkAlive = flag(body, "checkAlive");
    // The deadline and token are read once the container is known to be alive, as they always were.
    allocate(id, subnet, checkAlive, answer,
        () -> new Waiting(RequestFields.timeoutMs(body), optionalText(body, "token")));
  }

  /** What a waiting request carries besides its fields: its deadline (0: none) and token. */
  record Waiting(long timeoutMs, String token) {}

  /** An allocation of {@code id} in {@code subnet}, its fields already checked. */
  void allocate(String id, Cidr subnet, boolean checkAlive, Answer answer,
      java.util.function.Supplier<Waiting> waiting) {
    boolean container = checkAlive || ContainerIds.looksLikeContainerId(id);
    whenAlive(answer, id, checkAlive, () -> {
      writable(); // here: the disk may have filled while the engine was asked
      WaitingRequests.Ticket t = mayWait(answer, id, waiting.get(), true);
      ring.carry(ring.allocator().allocate(ring.now(), t.requestId(), id, subnet, container));
    });
  }

  private void claim(JsonObject body, Answer answer) {
    String id = ident(body);
    PrefixedAddress address = prefixed(body.getValue("address"));
    boolean checkAlive = flag(body, "checkAlive");
    boolean container = checkAlive || ContainerIds.looksLikeContainerId(id);
    boolean noErrorOnUnknown = flag(body, "noErrorOnUnknown");
    whenAlive(answer, id, checkAlive, () -> {
      writable();
      WaitingRequests.Ticket t = mayWait(answer, id, new Waiting(RequestFields.timeoutMs(body),
          optionalText(body, "token")), true);
      ring.carry(ring.allocator().claim(ring.now(), t.requestId(), id, address, noErrorOnUnknown,
          container));
    });
  }

  private JsonObject lookup(JsonObject body) {
    String id = ident(body);
    Cidr subnet = body.containsKey("subnet")
        ? subnet(body, "subnet", ring.settings().defaultSubnet()) : null;
    return Replies.addresses(ring.allocator().lookup(id, subnet));
  }

  /** Frees {@code address} of {@code id}, both already checked. */
  void free(String id, long address, Answer answer) {
    writable();
    WaitingRequests.Ticket t = answeredAtOnce(answer);
    ring.carry(ring.allocator().free(ring.now(), t.requestId(), id, address));
  }

  /** Frees every address of {@code id}, already checked. */
  void delete(String id, Answer answer) {
    writable();
    WaitingRequests.Ticket t = answeredAtOnce(answer);
    ring.carry(ring.allocator().delete(ring.now(), t.requestId(), id));
  }

  private void prime(JsonObject body, Message<JsonObject> message) {
    Answer answer = Answer.of(message, r -> new JsonObject().put("consensus", r.value())
        .put("ring", Wire.ring(ring.allocator().ringState())));
    Waiting w = new Waiting(RequestFields.timeoutMs(body), optionalText(body, "token"));
    WaitingRequests.Ticket t = mayWait(answer, optionalText(body, "id"), w, false);
    ring.carry(ring.allocator().prime(ring.now(), t.requestId()));
  }

  private void rmpeer(JsonObject body, Message<JsonObject> message) {
    writable();
    String peer = optionalText(body, "peer");
    if (peer == null || peer.isBlank()) {
      throw new RequestFields.BadRequest("rmpeer needs 'peer': a peer name or nickname");
    }
    Answer answer = Answer.of(message, r -> new JsonObject().put("message", r.value()));
    Waiting w = new Waiting(RequestFields.timeoutMs(body), optionalText(body, "token"));
    WaitingRequests.Ticket t = mayWait(answer, optionalText(body, "id"), w, false);
    ring.carry(ring.allocator().rmpeer(ring.now(), t.requestId(), peer, flag(body, "force")));
    LOG.info("rmpeer {}: done", peer);
  }

  private void reset(Message<JsonObject> message) {
    writable();
    ring.carry(ring.allocator().shutdown(ring.now()));
    ring.health().wasReset();
    LOG.warn("reset: this peer's ranges were handed to another peer; it allocates no more."
        + " It stays up (status, health) until stopped; clear its data directory before"
        + " launching it again");
    // Durable before the answer, so that a restart under the same name stays reset.
    ring.commits().submit(Batch::markReset, () -> message.reply(new JsonObject()));
  }

  /**
   * Refuses a request that would change state while the disk under the store is full: it could
   * only wait, unanswered, behind the changes already waiting for space. Changes from peers still
   * queue (nothing of theirs is lost), and lookups and status answer from memory.
   */
  private void writable() {
    String full = ring.commits().full();
    if (full != null) {
      throw new RequestFields.Overloaded("the data directory " + ring.commits().directory()
          + " is full: free space on it; weft resumes by itself. Nothing was changed; try again"
          + " once there is space (" + full + ")");
    }
  }

  /** Cancels the waiting request its client named by {@code token}; unknown tokens are ignored. */
  void cancel(String token) {
    ring.waiting().byToken(token)
        .ifPresent(requestId -> ring.carry(ring.allocator().cancel(requestId)));
  }

  /**
   * With {@code checkAlive} the ident is a container that must be running (as Weave's
   * {@code ?check-alive=true}): the request is cancelled when the engine says it is not. When the
   * engine cannot say (unwatched, unavailable), the request goes ahead.
   */
  private void whenAlive(Answer answer, String ident, boolean checkAlive, Runnable request) {
    if (!checkAlive || ring.docker().state() != DockerStatus.State.CONNECTED) {
      request.run();
      return;
    }
    ring.vertx().eventBus().<JsonObject>request(ContainerWatchVerticle.ALIVE,
        new JsonObject().put("id", ident), ALIVE_CHECK).onComplete(ar -> {
          if (ar.succeeded() && Boolean.FALSE.equals(ar.result().body().getBoolean("running"))) {
            answer.fail(ResultCode.UNAVAILABLE, "request for " + ident + " cancelled: container "
                + ident + " is not running (check-alive)");
          } else {
            guarded(answer, request);
          }
        });
  }

  /**
   * Holds a request that may wait (bounded; refused beyond the bounds) and answers it once the
   * allocator does, or cancels it past its deadline. Allocations and claims count in the
   * allocation latency.
   */
  private WaitingRequests.Ticket mayWait(Answer answer, String ident, Waiting w,
      boolean allocation) {
    long started = System.nanoTime();
    long timeoutMs = w.timeoutMs();
    WaitingRequests.Ticket ticket = ring.waiting().mayWait(ident, w.token());
    long timer = timeoutMs <= 0 ? -1 : ring.vertx().setTimer(timeoutMs, x -> ring.carry(
        ring.allocator().cancel(ticket.requestId(), "no answer within the request's deadline of "
            + timeoutMs + " ms (the ring or free space is still missing); try again, or give a"
            + " longer timeout")));
    ticket.answer().onSuccess(result -> {
      if (timer >= 0) {
        ring.vertx().cancelTimer(timer);
      }
      if (allocation) {
        ring.metrics().allocationAnswered(started);
      }
      answer.result(result);
    });
    return ticket;
  }

  private WaitingRequests.Ticket answeredAtOnce(Answer answer) {
    WaitingRequests.Ticket ticket = ring.waiting().answeredAtOnce();
    ticket.answer().onSuccess(answer::result);
    return ticket;
  }
}
