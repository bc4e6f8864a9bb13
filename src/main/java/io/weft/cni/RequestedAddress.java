package io.weft.cni;

import io.weft.net.Ip;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one address a runtime may ask ADD for, as {@code host-local} reads it: {@code IP=} in
 * {@code CNI_ARGS} ({@code IP=10.32.0.9}, or a comma-separated list), or the {@code ips}
 * capability in {@code runtimeConfig}. Only IPv4 addresses are weft's; a prefix, if given, is
 * the runtime's and the network's subnet decides the one in the result.
 */
final class RequestedAddress {
  private RequestedAddress() {}

  static Optional<Long> of(Map<String, String> env, NetworkConfig config) throws CniException {
    List<String> asked = new ArrayList<>(config.runtimeIps());
    for (String pair : env.getOrDefault("CNI_ARGS", "").split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).strip().equals("IP")) {
        for (String ip : pair.substring(eq + 1).split(",")) {
          if (!ip.isBlank()) {
            asked.add(ip.strip());
          }
        }
      }
    }
    List<Long> ipv4 = new ArrayList<>();
    for (String text : asked) {
      String bare = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
      if (bare.contains(":")) {
        continue; // IPv6: another plugin's to give
      }
      try {
        long address = Ip.parse(bare);
        if (!ipv4.contains(address)) {
          ipv4.add(address);
        }
      } catch (IllegalArgumentException e) {
        throw new CniException(ErrorCode.INVALID_ENVIRONMENT, "the runtime asked for address '"
            + text + "', which is not an IPv4 address: " + e.getMessage());
      }
    }
    if (ipv4.size() > 1) {
      throw new CniException(ErrorCode.INVALID_ENVIRONMENT, "the runtime asked for "
          + ipv4.size() + " IPv4 addresses (" + String.join(", ", ipv4.stream().map(Ip::format)
              .toList()) + "); weft-ipam gives one per attachment: ask for one");
    }
    return ipv4.stream().findFirst();
  }
}
