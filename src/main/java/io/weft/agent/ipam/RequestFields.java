package io.weft.agent.ipam;

import io.vertx.core.json.JsonObject;
import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.PrefixedAddress;

/**
 * Reading the fields of an IPAM request ({@code weft.ipam}, from HTTP, the bridge or an embedded
 * tool): every value is checked for its type and form, and anything wrong is a
 * {@link BadRequest} with a message saying what to send instead, thrown before any state change.
 */
final class RequestFields {

  private RequestFields() {}

  /** A request the caller got wrong: answered 400 with this message, never a state change. */
  static final class BadRequest extends RuntimeException {
    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  /** Too many requests waiting: answered 503 at once, nothing queued. */
  static final class Overloaded extends RuntimeException {
    Overloaded(String message) {
      super(message, null, false, false);
    }
  }

  static String abbreviate(Object value) {
    String text = String.valueOf(value);
    return text.length() <= 64 ? text : text.substring(0, 64) + "…";
  }

  static String optionalText(JsonObject body, String key) {
    Object value = body.getValue(key);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new BadRequest("'" + key + "' must be a string, not " + abbreviate(value));
  }

  static boolean flag(JsonObject body, String key) {
    Object value = body.getValue(key);
    if (value == null || value instanceof Boolean) {
      return Boolean.TRUE.equals(value);
    }
    throw new BadRequest("'" + key + "' must be true or false, not '" + abbreviate(value) + "'");
  }

  static String ident(JsonObject body) {
    return ident(body.getValue("id"));
  }

  /** {@code id} if it is a valid ident (a string of the form Weave accepts). */
  static String ident(Object id) {
    if (!(id instanceof String text) || !isIdent(text)) {
      throw new BadRequest("bad id " + (id == null ? "(missing)" : "'" + abbreviate(id) + "'")
          + ": use '_' or 1-128 letters, digits, '_', '.', ':' or '-'");
    }
    return text;
  }

  /**
   * {@code _}, or 1-128 characters of {@code [A-Za-z0-9_.:-]} that start with a letter or digit.
   * Checked by hand rather than by a regular expression: it runs for every request (a matcher
   * showed as 4% of the agent's CPU under HTTP load).
   */
  static boolean isIdent(String text) {
    int n = text.length();
    if (n == 1 && text.charAt(0) == '_') {
      return true;
    }
    if (n == 0 || n > 128 || !letterOrDigit(text.charAt(0))) {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = text.charAt(i);
      if (!letterOrDigit(c) && c != '_' && c != '.' && c != ':' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean letterOrDigit(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }

  /** The longest deadline a request may carry: a day, as long as HTTP lets a request wait. */
  static final long MAX_TIMEOUT_MS = 24L * 3600 * 1000;

  /**
   * A waiting request's optional deadline {@code timeoutMs} (whole milliseconds, 1 to a day), or 0
   * when it has none: past it, the request is cancelled and answered 503.
   */
  static long timeoutMs(JsonObject body) {
    Object value = body.getValue("timeoutMs");
    if (value == null) {
      return 0;
    }
    if (!(value instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < 1
        || n.longValue() > MAX_TIMEOUT_MS) {
      throw new BadRequest("'timeoutMs' must be a whole number of milliseconds from 1 to "
          + MAX_TIMEOUT_MS + ", not '" + abbreviate(value) + "'");
    }
    return n.longValue();
  }

  /** Weave's smallest subnet: a network address, a broadcast address and two hosts. */
  static final long MIN_SUBNET_SIZE = 4;

  /**
   * The subnet under {@code key}, or {@code fallback} when there is none. As in Weave, a subnet of
   * fewer than {@value #MIN_SUBNET_SIZE} addresses is refused: it has no host to hand out.
   */
  static Cidr subnet(JsonObject body, String key, Cidr fallback) {
    return subnet(body.getValue(key), fallback);
  }

  /** As {@link #subnet(JsonObject, String, Cidr)}, for the value itself (null: none). */
  static Cidr subnet(Object value, Cidr fallback) {
    if (value == null) {
      return fallback;
    }
    Cidr subnet;
    try {
      subnet = Cidr.parse(String.valueOf(value));
    } catch (IllegalArgumentException e) {
      throw new BadRequest("bad subnet: " + e.getMessage());
    }
    if (subnet.size() < MIN_SUBNET_SIZE) {
      throw new BadRequest("bad subnet " + subnet + ": smaller than the minimum size "
          + MIN_SUBNET_SIZE + "; use a prefix of /30 or shorter");
    }
    return subnet;
  }

  static PrefixedAddress prefixed(Object value) {
    if (!(value instanceof String text)) {
      throw new BadRequest("'address' is missing: give IP/PREFIX such as 10.32.0.9/12");
    }
    try {
      return PrefixedAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new BadRequest("bad address: " + e.getMessage());
    }
  }

  static long address(String text) {
    if (text == null) {
      throw new BadRequest("'address' is missing");
    }
    String bare = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
    try {
      return Ip.parse(bare);
    } catch (IllegalArgumentException e) {
      throw new BadRequest("bad address: " + e.getMessage());
    }
  }
}
