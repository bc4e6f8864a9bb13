package io.weft.agent.ipam;

import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.ipam.Result;
import io.weft.net.PrefixedAddress;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The JSON the local API answers with. */
final class Replies {
  private Replies() {}

  /** {@code render(result)} for a success; the result's code and message for a failure. */
  static void reply(Message<JsonObject> message, Result result,
      Function<Result, JsonObject> render) {
    if (result.isOk()) {
      message.reply(render.apply(result));
    } else {
      message.fail(result.code().code(), result.value());
    }
  }

  static JsonObject address(Result result) {
    return new JsonObject().put("address", result.value());
  }

  static JsonObject freed(Result result) {
    return new JsonObject().put("freed", strings(result.freed()));
  }

  static JsonObject addresses(List<PrefixedAddress> found) {
    return new JsonObject().put("addresses", strings(found));
  }

  /** {@code GET /ip}: every ident with its addresses. */
  static JsonObject owned(Map<String, List<PrefixedAddress>> byIdent) {
    JsonArray owned = new JsonArray();
    byIdent.forEach((id, addresses) -> owned.add(new JsonObject().put("containerid", id)
        .put("addrs", strings(addresses))));
    return new JsonObject().put("owned", owned);
  }

  private static JsonArray strings(List<PrefixedAddress> addresses) {
    JsonArray list = new JsonArray();
    addresses.forEach(a -> list.add(a.toString()));
    return list;
  }
}
