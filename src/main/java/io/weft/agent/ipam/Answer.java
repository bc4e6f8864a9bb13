package io.weft.agent.ipam;

import io.vertx.core.Promise;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.weft.ipam.Result;
import io.weft.ipam.ResultCode;
import java.util.function.Function;

/**
 * Where the answer to one local request goes: the event-bus reply of a {@code weft.ipam} message
 * (rendered as the JSON the API documents), or the promise of a caller in this JVM
 * ({@link LocalIpam}), which gets the allocator's {@link Result} itself and so skips building and
 * parsing JSON. Either way a failure carries a {@link ResultCode}.
 */
interface Answer {
  /** The allocator's answer: a success or a failure with its code. */
  void result(Result result);

  /** A request refused before the allocator saw it (bad input, overload, a dead container). */
  void fail(ResultCode code, String message);

  /** Describes the request for an error line. */
  String describe();

  static Answer of(Message<JsonObject> message, Function<Result, JsonObject> render) {
    return new Answer() {
      @Override
      public void result(Result result) {
        Replies.reply(message, result, render);
      }

      @Override
      public void fail(ResultCode code, String text) {
        message.fail(code.code(), text);
      }

      @Override
      public String describe() {
        return String.valueOf(message.body());
      }
    };
  }

  /**
   * Completes {@code promise} with the result; a failure fails it with the same
   * {@link ReplyException} an event-bus reply would carry, so that callers treat both alike.
   */
  static Answer of(Promise<Result> promise, String description) {
    return new Answer() {
      @Override
      public void result(Result result) {
        if (result.isOk()) {
          promise.tryComplete(result);
        } else {
          fail(result.code(), result.value());
        }
      }

      @Override
      public void fail(ResultCode code, String text) {
        promise.tryFail(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code.code(), text));
      }

      @Override
      public String describe() {
        return description;
      }
    };
  }
}
