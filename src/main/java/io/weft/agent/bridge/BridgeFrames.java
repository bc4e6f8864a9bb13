package io.weft.agent.bridge;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Splits a bridge connection's bytes into frames: a 4-byte big-endian length, then that many
 * bytes of JSON (the vertx-tcp-eventbus-bridge wire format). Lengths are bounded: a negative or
 * over-long one is fatal to the connection, while a frame that is not a JSON object is reported
 * and skipped, since its length still says where the next frame starts.
 */
final class BridgeFrames implements Handler<Buffer> {
  static final int MAX_FRAME_BYTES = 64 * 1024;

  interface Sink {
    void frame(JsonObject frame);

    /** A frame that was not a JSON object; the connection goes on. */
    void malformed(String why);

    /** A length the connection cannot recover from; nothing more is read. */
    void broken(String why);
  }

  private final Sink sink;
  private Buffer pending = Buffer.buffer();
  private boolean broken;

  BridgeFrames(Sink sink) {
    this.sink = sink;
  }

  @Override
  public void handle(Buffer bytes) {
    if (broken) {
      return;
    }
    pending.appendBuffer(bytes);
    int at = 0;
    while (pending.length() - at >= 4) {
      int length = pending.getInt(at);
      if (length < 0 || length > MAX_FRAME_BYTES) {
        broken = true;
        sink.broken("frame_too_large: a frame must be 0 to " + MAX_FRAME_BYTES
            + " bytes of JSON after its 4-byte length, not " + length);
        return;
      }
      if (pending.length() - at - 4 < length) {
        break;
      }
      String text = pending.getString(at + 4, at + 4 + length, "UTF-8");
      at += 4 + length;
      JsonObject frame;
      try {
        frame = new JsonObject(text);
      } catch (DecodeException | ClassCastException e) {
        sink.malformed("invalid_json: a frame must be a JSON object");
        continue;
      }
      sink.frame(frame);
    }
    pending = at == pending.length() ? Buffer.buffer() : pending.getBuffer(at, pending.length());
  }
}
