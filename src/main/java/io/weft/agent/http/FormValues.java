package io.weft.agent.http;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A request's values as Weave's server reads them ({@code FormValue}): from an
 * {@code application/x-www-form-urlencoded} body first, then from the query string. Weave's
 * client sends {@code check-alive} and {@code noErrorOnUnknown} in the body; curl users tend to put
 * them in the query string; both work.
 */
final class FormValues {
  private static final String KEY = "weft.form";

  private FormValues() {}

  /** Keeps the values of a form body (any other body is ignored, as Weave ignores it). */
  static void keep(RoutingContext ctx, Buffer body) {
    String type = ctx.request().getHeader("content-type");
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT)
        .startsWith("application/x-www-form-urlencoded")) {
      return;
    }
    ctx.put(KEY, new QueryStringDecoder(body.toString(StandardCharsets.UTF_8), false)
        .parameters());
  }

  /** The first value of {@code name}, body before query string, or null. */
  static String get(RoutingContext ctx, String name) {
    Map<String, List<String>> form = ctx.get(KEY);
    if (form != null && form.containsKey(name) && !form.get(name).isEmpty()) {
      return form.get(name).get(0);
    }
    return ctx.queryParams().get(name);
  }

  static boolean isTrue(RoutingContext ctx, String name) {
    return "true".equals(get(ctx, name));
  }
}
