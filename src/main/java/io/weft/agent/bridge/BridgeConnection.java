package io.weft.agent.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.weft.agent.ipam.IpamApi;
import io.weft.agent.ipam.Tokens;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One tool connected to the bridge. Frames and answers follow vertx-tcp-eventbus-bridge, so its
 * clients work unchanged: {@code send} (with {@code replyAddress}: answered by a
 * {@code message} or an {@code err} frame), {@code publish}, {@code register},
 * {@code unregister}, {@code ping}. Only {@code weft.ipam} may be sent to and only
 * {@code weft.events} listened to. Requests still waiting when the tool disconnects are cancelled.
 */
final class BridgeConnection implements BridgeFrames.Sink {
  /** Allocations may wait for consensus or space: as long as the tool stays connected. */
  private static final DeliveryOptions WAITING = new DeliveryOptions().setLocalOnly(true)
      .setSendTimeout(24L * 3600 * 1000);

  private final EventBus bus;
  private final NetSocket socket;
  private final Map<String, MessageConsumer<Object>> listening = new HashMap<>();
  private final Set<String> waiting = new HashSet<>();

  BridgeConnection(EventBus bus, NetSocket socket) {
    this.bus = bus;
    this.socket = socket;
    socket.handler(new BridgeFrames(this));
    socket.closeHandler(v -> closed());
    socket.exceptionHandler(e -> socket.close());
  }

  @Override
  public void frame(JsonObject frame) {
    Object type = frame.getValue("type");
    Object address = frame.getValue("address");
    if ("ping".equals(type)) {
      write(new JsonObject().put("type", "pong"));
      return;
    }
    if (!(address instanceof String to)) {
      error("address_required");
      return;
    }
    if (!(type instanceof String kind)) {
      error("unknown_type");
      return;
    }
    switch (kind) {
      case "send", "publish" -> {
        if (!IpamApi.ADDRESS.equals(to)) {
          error("access_denied");
        } else if ("send".equals(kind) && frame.getValue("replyAddress") instanceof String back) {
          request(frame.getValue("body"), back);
        } else {
          bus.send(IpamApi.ADDRESS, frame.getValue("body"), new DeliveryOptions()
              .setLocalOnly(true));
        }
      }
      case "register" -> {
        if (!isEvents(to)) {
          error("access_denied");
        } else if (!listening.containsKey(to)) {
          listening.put(to, bus.consumer(to, m -> write(new JsonObject().put("type", "message")
              .put("address", m.address()).put("headers", new JsonObject())
              .put("send", false).put("body", m.body()))));
          countListener(to, 1);
        }
      }
      case "unregister" -> {
        if (!isEvents(to)) {
          error("access_denied");
        } else if (listening.containsKey(to)) {
          listening.remove(to).unregister();
          countListener(to, -1);
        } else {
          error("unknown_address");
        }
      }
      default -> error("unknown_type");
    }
  }

  /** Every peer's events reach this host only while a tool here listens to them. */
  private void countListener(String address, int change) {
    if (IpamApi.ALL_EVENTS.equals(address)) {
      bus.send(IpamApi.ALL_EVENTS_LISTENERS, change, new DeliveryOptions().setLocalOnly(true));
    }
  }

  /** This host's events ({@code weft.events}) or, asked for explicitly, every peer's. */
  private static boolean isEvents(String address) {
    return IpamApi.EVENTS.equals(address) || IpamApi.ALL_EVENTS.equals(address);
  }

  private void request(Object body, String replyAddress) {
    String token = null;
    if (body instanceof JsonObject request && !request.containsKey("token")) {
      token = Tokens.next();
      body = request.copy().put("token", token);
      waiting.add(token);
    }
    String mine = token;
    bus.request(IpamApi.ADDRESS, body, WAITING).onComplete(ar -> {
      if (mine != null) {
        waiting.remove(mine);
      }
      if (ar.succeeded()) {
        write(new JsonObject().put("type", "message").put("address", replyAddress)
            .put("headers", new JsonObject()).put("send", true).put("body", ar.result().body()));
      } else {
        ReplyException failure = ar.cause() instanceof ReplyException r ? r
            : new ReplyException(io.vertx.core.eventbus.ReplyFailure.ERROR, ar.cause().toString());
        write(new JsonObject().put("type", "err").put("address", replyAddress)
            .put("sourceAddress", IpamApi.ADDRESS).put("failureCode", failure.failureCode())
            .put("failureType", failure.failureType().name())
            .put("message", failure.getMessage()));
      }
    });
  }

  @Override
  public void malformed(String why) {
    error(why);
  }

  @Override
  public void broken(String why) {
    error(why);
    socket.close();
  }

  private void error(String message) {
    write(new JsonObject().put("type", "err").put("message", message));
  }

  private void write(JsonObject frame) {
    Buffer json = frame.toBuffer();
    socket.write(Buffer.buffer(4 + json.length()).appendInt(json.length()).appendBuffer(json));
  }

  private void closed() {
    listening.values().forEach(MessageConsumer::unregister);
    listening.keySet().forEach(address -> countListener(address, -1));
    listening.clear();
    for (String token : waiting) {
      bus.send(IpamApi.ADDRESS, new JsonObject().put("op", "cancel").put("token", token),
          new DeliveryOptions().setLocalOnly(true));
    }
    waiting.clear();
  }
}
