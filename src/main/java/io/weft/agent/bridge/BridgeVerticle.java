package io.weft.agent.bridge;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.weft.net.HostPort;

/**
 * The event-bus TCP bridge for co-located tools on {@code --bridge-addr}: the wire format of
 * vertx-tcp-eventbus-bridge (4-byte big-endian length, then a JSON frame), served by
 * {@link BridgeConnection}. weft frames it itself because the library buffers whatever length a
 * frame claims (one 4-byte prefix can exhaust the heap) and offers no hook before it parses.
 */
public final class BridgeVerticle extends VerticleBase {
  private final HostPort at;
  private NetServer server;

  public BridgeVerticle(HostPort at) {
    this.at = at;
  }

  @Override
  public Future<?> start() {
    server = vertx.createNetServer()
        .connectHandler(socket -> new BridgeConnection(vertx.eventBus(), socket));
    return server.listen(at.port(), at.host());
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
