package io.weft.agent.ipam;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.weft.ipam.Result;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The requests the allocator has not answered yet, each a {@link Promise} completed when an
 * outcome names its request id. Requests that may wait for consensus, space or a claim are
 * bounded (per agent and per ident): beyond the bounds they are refused at once, so that a flood
 * cannot exhaust the agent. Requests the allocator answers in the same step (free, delete) are
 * held too, until their commit, but never counted and never refused. A client that goes away
 * cancels its waiting request by the token it gave.
 */
final class WaitingRequests {
  /** Requests that may wait at once, per agent and per ident: beyond them, 503 at once. */
  static final int MAX_WAITING = 10_000;
  static final int MAX_WAITING_PER_IDENT = 16;

  /** One request: the id the allocator knows it by, and its answer to come. */
  record Ticket(long requestId, Future<Result> answer) {}

  private record Held(Promise<Result> promise, String token, String ident, boolean bounded) {}

  private final Map<Long, Held> held = new HashMap<>();
  private final Map<String, Long> byToken = new HashMap<>();
  private final Map<String, Integer> perIdent = new HashMap<>();
  private int bounded;
  private long nextRequestId = 1;

  /**
   * A request that may wait. {@code ident} (may be null) is bounded per ident; {@code token}
   * (may be null) lets its client cancel it.
   *
   * @throws RequestFields.Overloaded when a bound is reached
   */
  Ticket mayWait(String ident, String token) {
    if (bounded >= MAX_WAITING) {
      throw new RequestFields.Overloaded(bounded + " requests are already waiting on this agent;"
          + " try again later");
    }
    if (ident != null && perIdent.getOrDefault(ident, 0) >= MAX_WAITING_PER_IDENT) {
      throw new RequestFields.Overloaded(MAX_WAITING_PER_IDENT + " requests for '" + ident
          + "' are already waiting; wait for them before sending more");
    }
    bounded++;
    if (ident != null) {
      perIdent.merge(ident, 1, Integer::sum);
    }
    return hold(new Held(Promise.promise(), token, ident, true));
  }

  /** A request answered by the step it starts (free, delete): never bounded, never refused. */
  Ticket answeredAtOnce() {
    return hold(new Held(Promise.promise(), null, null, false));
  }

  private Ticket hold(Held h) {
    long requestId = nextRequestId++;
    held.put(requestId, h);
    if (h.token() != null) {
      byToken.put(h.token(), requestId);
    }
    return new Ticket(requestId, h.promise().future());
  }

  /** Completes the request {@code requestId} with {@code result}; unknown ids are ignored. */
  void complete(long requestId, Result result) {
    Held h = held.remove(requestId);
    if (h == null) {
      return;
    }
    if (h.token() != null) {
      byToken.remove(h.token());
    }
    if (h.bounded()) {
      bounded--;
      if (h.ident() != null) {
        perIdent.computeIfPresent(h.ident(), (k, n) -> n > 1 ? n - 1 : null);
      }
    }
    h.promise().complete(result);
  }

  /** The request id a client's token names, while that request waits. */
  Optional<Long> byToken(String token) {
    return Optional.ofNullable(token == null ? null : byToken.get(token));
  }

  /** Requests counted against the bounds now. */
  int waiting() {
    return bounded;
  }
}
