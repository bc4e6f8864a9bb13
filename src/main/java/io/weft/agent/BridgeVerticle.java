package io.weft.agent;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServerOptions;
import io.vertx.ext.bridge.BridgeEventType;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import io.vertx.ext.eventbus.bridge.tcp.TcpEventBusBridge;

/**
 * The event-bus TCP bridge for co-located tools on {@code --bridge-addr}: standard
 * vertx-tcp-eventbus-bridge framing (4-byte big-endian length, then a JSON frame). Tools may
 * only send to {@code weft.ipam} and only listen to {@code weft.events}.
 */
final class BridgeVerticle extends VerticleBase {
  private final HostPort at;
  private TcpEventBusBridge bridge;

  BridgeVerticle(HostPort at) {
    this.at = at;
  }

  @Override
  public Future<?> start() {
    BridgeOptions permitted = new BridgeOptions()
        .addInboundPermitted(new PermittedOptions().setAddress(IpamApi.ADDRESS))
        .addOutboundPermitted(new PermittedOptions().setAddress(IpamApi.EVENTS));
    bridge = TcpEventBusBridge.create(vertx, permitted, new NetServerOptions(), event -> {
      if (event.type() == BridgeEventType.SOCKET_CREATED
          && event.socket() instanceof NetSocketInternal socket) {
        // Internal API: the only place to bound frame sizes before the bridge buffers them.
        socket.channelHandlerContext().pipeline().addFirst("weft-frame-limit",
            new BridgeFrameLimit());
      }
      event.complete(true);
    });
    return bridge.listen(at.port(), at.host());
  }

  @Override
  public Future<?> stop() {
    return bridge == null ? Future.succeededFuture() : bridge.close();
  }
}
