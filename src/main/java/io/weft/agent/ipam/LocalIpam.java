package io.weft.agent.ipam;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.internal.ContextInternal;
import io.weft.ipam.Result;
import java.util.function.Consumer;

/**
 * The hot requests of the local API as typed calls for the HTTP API in this JVM: the same checks
 * and the same allocator steps as a {@code weft.ipam} message, run on the {@link RingVerticle}'s
 * context, but without an event-bus message, a reply address, a send-timeout timer and a JSON
 * request and reply copied between the two verticles. The answer is the allocator's
 * {@link Result}, completed on the caller's context; a failure is the {@link ReplyException} the
 * event bus would have carried (the result's code and message), so callers treat both alike.
 * Safe to call from any thread.
 */
public final class LocalIpam {
  private final LocalApi api;
  private volatile Context context;

  LocalIpam(LocalApi api) {
    this.api = api;
  }

  /** Called once the verticle's state is ready: calls before it fail as if no one listened. */
  void attach(Context ringContext) {
    this.context = ringContext;
  }

  /**
   * Allocates an address for {@code id} in {@code subnet} ("IP/PREFIX", or null for the default
   * subnet); may wait for consensus or space, at most {@code timeoutMs} (0: no deadline).
   * {@code token} (may be null) lets {@link #cancel} cancel it while it waits.
   */
  public Future<Result> allocate(String id, String subnet, boolean checkAlive, long timeoutMs,
      String token) {
    LocalApi.Waiting waiting = new LocalApi.Waiting(timeoutMs, token);
    return call("allocate " + id, answer -> api.allocate(RequestFields.ident(id),
        RequestFields.subnet(subnet, api.defaultSubnet()), checkAlive, answer, () -> waiting));
  }

  /** Frees every address of {@code id}; the result lists them (none: 404). */
  public Future<Result> delete(String id) {
    return call("delete " + id, answer -> api.delete(RequestFields.ident(id), answer));
  }

  /** Frees {@code address} (an IP, with or without /PREFIX) of {@code id}. */
  public Future<Result> free(String id, String address) {
    return call("free " + address + " of " + id, answer -> api.free(RequestFields.ident(id),
        RequestFields.address(address), answer));
  }

  /** Cancels the waiting request that carried {@code token}, if it still waits. */
  public void cancel(String token) {
    Context ring = context;
    if (ring != null) {
      ring.runOnContext(v -> api.cancel(token));
    }
  }

  private Future<Result> call(String description, Consumer<Answer> request) {
    ContextInternal caller = (ContextInternal) Vertx.currentContext();
    Promise<Result> promise = caller != null ? caller.promise() : Promise.promise();
    Context ring = context;
    if (ring == null) {
      promise.fail(new ReplyException(ReplyFailure.NO_HANDLERS, "the address allocator has not"
          + " started yet"));
      return promise.future();
    }
    ring.runOnContext(v -> {
      Answer answer = Answer.of(promise, description);
      api.guarded(answer, () -> request.accept(answer));
    });
    return promise.future();
  }
}
