package io.weft.dockerplugin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.Range;
import java.util.OptionalLong;

/**
 * Reads the bodies of libnetwork's remote IPAM requests. Every check happens here, before the
 * agent is asked anything, and each refusal says what to change in the {@code docker} command.
 */
final class DriverRequests {
  /** The Options value Docker sets on the request for a network's gateway. */
  static final String GATEWAY_TYPE = "com.docker.network.gateway";

  private DriverRequests() {}

  /** @param defaulted whether Docker named no pool, so the default subnet was given */
  record PoolRequest(PoolId id, boolean defaulted) {}

  record AddressRequest(PoolId pool, OptionalLong address, boolean gateway) {}

  record AddressRelease(PoolId pool, long address) {}

  static JsonObject body(Buffer raw, String method) {
    if (raw.length() == 0) {
      throw new DriverException(method + " needs a JSON body; got an empty one (Docker resends a"
          + " request with an empty body after a lost connection: run the docker command again)");
    }
    try {
      return new JsonObject(raw);
    } catch (DecodeException | ClassCastException e) {
      throw new DriverException(method + " needs a JSON object; got '"
          + DriverException.abbreviate(raw.toString()) + "'");
    }
  }

  /** RequestPool: no pool means the agent's default subnet; a given one must lie in the range. */
  static PoolRequest pool(JsonObject body, Cidr universe, Cidr defaultSubnet) {
    if (Boolean.TRUE.equals(body.getValue("V6"))) {
      throw new DriverException("weft hands out IPv4 addresses only: create the network without"
          + " --ipv6, or give its IPv6 pool to another IPAM driver");
    }
    String pool = text(body, "Pool");
    Cidr subnet = pool == null || pool.isEmpty() ? defaultSubnet : cidr("Pool (--subnet)", pool);
    if (!inside(subnet, universe)) {
      throw new DriverException("subnet " + subnet + " is not inside weft's allocation range "
          + universe + ": pick a --subnet within it, or leave --subnet out for " + defaultSubnet);
    }
    String sub = text(body, "SubPool");
    Cidr range = sub == null || sub.isEmpty() ? subnet : cidr("SubPool (--ip-range)", sub);
    if (!inside(range, subnet)) {
      throw new DriverException("--ip-range " + range + " is not inside --subnet " + subnet
          + ": give an --ip-range within the subnet");
    }
    return new PoolRequest(new PoolId(subnet, range), pool == null || pool.isEmpty());
  }

  /** RequestAddress: {@code Address} is "" or absent unless Docker was given --ip or --gateway. */
  static AddressRequest address(JsonObject body) {
    PoolId pool = PoolId.parse(text(body, "PoolID"));
    Object options = body.getValue("Options");
    if (options != null && !(options instanceof JsonObject)) {
      throw new DriverException("'Options' must be a JSON object, not "
          + DriverException.abbreviate(options));
    }
    boolean gateway = options != null
        && GATEWAY_TYPE.equals(((JsonObject) options).getValue("RequestAddressType"));
    String text = text(body, "Address");
    if (text == null || text.isEmpty()) {
      return new AddressRequest(pool, OptionalLong.empty(), gateway);
    }
    long address = ip("Address", text);
    if (!pool.pool().contains(address)) {
      throw new DriverException(text + " is not in the network's subnet " + pool.pool()
          + ": pick an address within it");
    }
    Range hosts = pool.pool().hostRange();
    if (pool.pool().size() > 2 && !hosts.contains(address)) {
      // Docker's own IPAM refuses them too: no container can talk on its subnet from either.
      throw new DriverException(text + " is the " + (address == pool.pool().address()
          ? "network" : "broadcast") + " address of the network's subnet " + pool.pool()
          + ": pick an address from " + Ip.format(hosts.start()) + " to "
          + Ip.format(hosts.end() - 1));
    }
    return new AddressRequest(pool, OptionalLong.of(address), gateway);
  }

  /** ReleaseAddress: Docker sends the bare address, without a prefix. */
  static AddressRelease release(JsonObject body) {
    PoolId pool = PoolId.parse(text(body, "PoolID"));
    return new AddressRelease(pool, ip("Address", text(body, "Address")));
  }

  static PoolId releasePool(JsonObject body) {
    return PoolId.parse(text(body, "PoolID"));
  }

  private static boolean inside(Cidr inner, Cidr outer) {
    return outer.range().contains(inner.range());
  }

  private static String text(JsonObject body, String key) {
    Object value = body.getValue(key);
    if (value == null || value instanceof String) {
      return (String) value;
    }
    throw new DriverException("'" + key + "' must be a string, not "
        + DriverException.abbreviate(value));
  }

  private static Cidr cidr(String what, String text) {
    try {
      return Cidr.parse(text);
    } catch (IllegalArgumentException e) {
      throw new DriverException("bad " + what + ": " + e.getMessage()
          + " (weft serves IPv4 subnets such as 10.32.0.0/16)");
    }
  }

  private static long ip(String key, String text) {
    if (text == null || text.isEmpty()) {
      throw new DriverException("'" + key + "' is missing: give an IPv4 address such as"
          + " 10.32.0.9");
    }
    String bare = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
    try {
      return Ip.parse(bare);
    } catch (IllegalArgumentException e) {
      throw new DriverException("'" + key + "' is not an IPv4 address: '"
          + DriverException.abbreviate(text) + "'");
    }
  }
}
