package io.weft.dockerplugin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.net.Cidr;
import io.weft.net.Ip;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * Compares what the driver holds (the IPAM API's {@code owned} list) with what Docker's networks
 * use (their inspect JSON): an address under a driver ident that no network of this driver
 * lists, as an endpoint or a gateway, is stale.
 */
final class Reconcile {
  private Reconcile() {}

  /**
   * What Docker's networks of driver {@code driver} use: their endpoints' addresses, and their
   * subnets. Docker's inspect JSON shows a gateway only when it chose the subnet itself, so a
   * gateway counts as live while a network of its pool exists.
   */
  record Live(Set<Long> endpoints, Set<Cidr> subnets) {}

  static Live live(JsonArray networks, String driver) {
    Set<Long> endpoints = new HashSet<>();
    Set<Cidr> subnets = new HashSet<>();
    for (Object entry : networks) {
      if (!(entry instanceof JsonObject network)) {
        continue;
      }
      JsonObject ipam = network.getJsonObject("IPAM", new JsonObject());
      if (!driver.equals(ipam.getValue("Driver"))) {
        continue;
      }
      for (Object config : ipam.getJsonArray("Config", new JsonArray())) {
        if (config instanceof JsonObject c && c.getValue("Subnet") instanceof String subnet) {
          try {
            subnets.add(Cidr.parse(subnet));
          } catch (IllegalArgumentException e) {
            // an IPv6 or malformed subnet is not one of ours
          }
        }
      }
      JsonObject containers = network.getJsonObject("Containers", new JsonObject());
      for (String id : containers.fieldNames()) {
        if (containers.getValue(id) instanceof JsonObject endpoint
            && endpoint.getValue("IPv4Address") instanceof String address) {
          Long parsed = parse(address);
          if (parsed != null) {
            endpoints.add(parsed);
          }
        }
      }
    }
    return new Live(endpoints, subnets);
  }

  /** Stale addresses (dotted, in order) and their idents; {@code spare} keeps young ones. */
  static Map<String, DriverIdent> stale(JsonArray owned, Live live, LongPredicate spare) {
    Map<String, DriverIdent> stale = new TreeMap<>();
    forEachHeld(owned, (ident, address) -> {
      boolean used = ident.kind() == DriverIdent.Kind.GATEWAY
          ? live.subnets().contains(ident.pool()) : live.endpoints().contains(address);
      if (!used && !spare.test(address)) {
        stale.put(Ip.format(address), ident);
      }
    });
    return stale;
  }

  /** The driver ident that holds {@code address}, if any. */
  static Optional<DriverIdent> identOf(JsonArray owned, long address) {
    DriverIdent[] found = new DriverIdent[1];
    forEachHeld(owned, (ident, held) -> {
      if (held == address) {
        found[0] = ident;
      }
    });
    return Optional.ofNullable(found[0]);
  }

  private interface Held {
    void accept(DriverIdent ident, long address);
  }

  private static void forEachHeld(JsonArray owned, Held action) {
    for (Object entry : owned) {
      if (!(entry instanceof JsonObject o) || !(o.getValue("containerid") instanceof String id)) {
        continue;
      }
      Optional<DriverIdent> ident = DriverIdent.parse(id);
      if (ident.isEmpty()) {
        continue;
      }
      for (Object address : o.getJsonArray("addrs", new JsonArray())) {
        Long parsed = parse(String.valueOf(address));
        if (parsed != null) {
          action.accept(ident.get(), parsed);
        }
      }
    }
  }

  private static Long parse(String text) {
    String bare = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
    try {
      return Ip.parse(bare);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
