package io.weft.agent;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * Bounds the frames a bridge client may send. The bridge's own parser buffers whatever length a
 * frame claims, and a negative length breaks it; this decoder sits first in the connection's
 * pipeline, passes whole frames on unchanged, and answers an over-long or negative length with
 * an {@code err} frame and a closed connection.
 */
final class BridgeFrameLimit extends LengthFieldBasedFrameDecoder {
  static final int MAX_FRAME_BYTES = 64 * 1024;

  BridgeFrameLimit() {
    super(4 + MAX_FRAME_BYTES, 0, 4, 0, 0, true);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    byte[] err = new JsonObject().put("type", "err").put("message", "frame_too_large: a frame"
        + " must be 0 to " + MAX_FRAME_BYTES + " bytes of JSON after its 4-byte length")
        .encode().getBytes(StandardCharsets.UTF_8);
    ctx.writeAndFlush(Unpooled.buffer(4 + err.length).writeInt(err.length).writeBytes(err))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
