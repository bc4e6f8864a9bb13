package io.weft.cni;

import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.PrefixedAddress;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The network configuration a runtime sends on stdin, with the {@code ipam} object's keys
 * checked: a wrong one is {@link ErrorCode#INVALID_NETWORK_CONFIG} with a message naming it.
 */
record NetworkConfig(CniVersion version, String name, Ipam ipam, List<String> previousAddresses,
    List<Attachment> validAttachments, List<String> runtimeIps) {

  static final String DEFAULT_AGENT = "127.0.0.1:6784";
  static final int DEFAULT_TIMEOUT_SECONDS = 30;

  /**
   * A route passed through to the result: destination, optional next hop, and the fields CNI
   * 1.1.0 added to a route ({@link #EXTRA_ROUTE_FIELDS}), as given, which only a 1.1.0 result
   * carries.
   */
  record Route(Cidr dst, Optional<Long> gw, Map<String, Object> extra) {
    Route(Cidr dst, Optional<Long> gw) {
      this(dst, gw, Map.of());
    }
  }

  /** The route fields CNI 1.1.0 added beyond dst and gw, each a whole number. */
  static final List<String> EXTRA_ROUTE_FIELDS = List.of("mtu", "advmss", "priority", "table",
      "scope");

  /** The {@code ipam} object. */
  record Ipam(Optional<Cidr> subnet, Optional<Long> gateway, List<Route> routes, String agentHost,
      int agentPort, int timeoutSeconds) {}

  /** Only the version, as VERSION reads it: its stdin may hold nothing else. */
  static CniVersion versionOf(String stdin) throws CniException {
    return version(object(decode(stdin), "the network config"));
  }

  static NetworkConfig parse(String stdin) throws CniException {
    Map<String, Object> root = object(decode(stdin), "the network config");
    CniVersion version = version(root);
    String name = text(root, "name", "the network config")
        .orElseThrow(() -> invalid("the network config has no 'name'"));
    if (!Attachment.isValidNetworkName(name)) {
      throw invalid("network name '" + name + "' is not usable: use 1-"
          + Attachment.MAX_NETWORK_NAME + " letters, digits, '_', '.' or '-'");
    }
    Object ipamValue = root.get("ipam");
    if (ipamValue == null) {
      throw invalid("the network config has no 'ipam' object");
    }
    Ipam ipam = ipam(object(ipamValue, "'ipam'"));
    return new NetworkConfig(version, name, ipam, previousAddresses(root),
        validAttachments(root, name), runtimeIps(root));
  }

  private static Object decode(String stdin) throws CniException {
    try {
      return Json.parse(stdin);
    } catch (IOException e) {
      throw new CniException(ErrorCode.DECODING_FAILURE, "the network config on stdin is not"
          + " JSON: give the runtime a valid network configuration", e.getMessage());
    }
  }

  private static CniVersion version(Map<String, Object> root) throws CniException {
    String text = text(root, "cniVersion", "the network config")
        .orElseThrow(() -> invalid("the network config has no 'cniVersion'"));
    return CniVersion.of(text).orElseThrow(() -> new CniException(
        ErrorCode.INCOMPATIBLE_CNI_VERSION, "weft-ipam does not speak CNI " + text
            + ": use one of " + String.join(", ", CniVersion.supported()),
        "supported versions: " + String.join(", ", CniVersion.supported())));
  }

  private static Ipam ipam(Map<String, Object> ipam) throws CniException {
    Optional<Cidr> subnet = Optional.empty();
    Optional<String> subnetText = text(ipam, "subnet", "'ipam'");
    if (subnetText.isPresent()) {
      try {
        subnet = Optional.of(Cidr.parse(subnetText.get()));
      } catch (IllegalArgumentException e) {
        throw invalid("ipam 'subnet' is not a CIDR such as 10.32.0.0/16: " + e.getMessage());
      }
    }
    Optional<Long> gateway = address(ipam, "gateway", "ipam 'gateway'");
    if (gateway.isPresent() && subnet.isPresent() && !subnet.get().contains(gateway.get())) {
      throw invalid("ipam 'gateway' " + Ip.format(gateway.get()) + " lies outside 'subnet' "
          + subnet.get() + ": give a gateway inside the subnet");
    }
    String agent = text(ipam, "agent", "'ipam'").orElse(DEFAULT_AGENT);
    int colon = agent.lastIndexOf(':');
    int port = colon > 0 ? portOf(agent.substring(colon + 1)) : -1;
    if (port < 1) {
      throw invalid("ipam 'agent' '" + agent + "' is not host:port (such as " + DEFAULT_AGENT
          + ", the agent's --http-addr)");
    }
    return new Ipam(subnet, gateway, routes(ipam), agent.substring(0, colon), port,
        timeoutSeconds(ipam));
  }

  private static int portOf(String text) {
    try {
      int port = Integer.parseInt(text);
      return port <= 65535 ? port : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int timeoutSeconds(Map<String, Object> ipam) throws CniException {
    Object value = ipam.get("timeoutSeconds");
    if (value == null) {
      return DEFAULT_TIMEOUT_SECONDS;
    }
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
        && n.longValue() >= 1 && n.longValue() <= 3600) {
      return n.intValue();
    }
    throw invalid("ipam 'timeoutSeconds' must be a whole number of seconds from 1 to 3600, not "
        + value);
  }

  private static List<Route> routes(Map<String, Object> ipam) throws CniException {
    Object value = ipam.get("routes");
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw invalid("ipam 'routes' must be a list of {\"dst\": CIDR, \"gw\": IP}");
    }
    List<Route> routes = new ArrayList<>();
    for (Object item : list) {
      Map<String, Object> route = object(item, "each of ipam 'routes'");
      String dst = text(route, "dst", "a route")
          .orElseThrow(() -> invalid("a route in ipam 'routes' has no 'dst'"));
      Map<String, Object> extra = new java.util.LinkedHashMap<>();
      for (String field : EXTRA_ROUTE_FIELDS) {
        Object given = route.get(field);
        if (given == null) {
          continue;
        }
        if (!(given instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())
            || n.longValue() < 0) {
          throw invalid("a route's '" + field + "' must be a whole number, not " + given);
        }
        extra.put(field, n.longValue());
      }
      try {
        routes.add(new Route(Cidr.parse(dst), address(route, "gw", "a route's 'gw'"),
            java.util.Collections.unmodifiableMap(extra)));
      } catch (IllegalArgumentException e) {
        throw invalid("a route's 'dst' is not a CIDR: " + e.getMessage());
      }
    }
    return List.copyOf(routes);
  }

  /**
   * CHECK: the IPv4 addresses of {@code prevResult}, if the runtime sent one. Other plugins of the
   * chain may have added addresses weft cannot read (IPv6, say), and DEL must succeed whatever
   * prevResult holds, so what is not an IPv4 address with its prefix is passed over here.
   */
  private static List<String> previousAddresses(Map<String, Object> root) {
    if (!(root.get("prevResult") instanceof Map<?, ?> prev)
        || !(prev.get("ips") instanceof List<?> ips)) {
      return List.of();
    }
    List<String> addresses = new ArrayList<>();
    for (Object ip : ips) {
      if (ip instanceof Map<?, ?> entry && entry.get("address") instanceof String address) {
        try {
          addresses.add(PrefixedAddress.parse(address).toString());
        } catch (IllegalArgumentException notIpv4) {
          // another plugin's address
        }
      }
    }
    return List.copyOf(addresses);
  }

  /**
   * The addresses the runtime asks for through the {@code ips} capability
   * ({@code runtimeConfig.ips}, e.g. {@code podman run --ip}), as given.
   */
  private static List<String> runtimeIps(Map<String, Object> root) throws CniException {
    if (!(root.get("runtimeConfig") instanceof Map<?, ?> runtime)
        || runtime.get("ips") == null) {
      return List.of();
    }
    if (!(runtime.get("ips") instanceof List<?> ips)
        || !ips.stream().allMatch(ip -> ip instanceof String)) {
      throw invalid("runtimeConfig 'ips' must be a list of addresses such as \"10.32.0.9/12\"");
    }
    return ips.stream().map(String.class::cast).toList();
  }

  private static List<Attachment> validAttachments(Map<String, Object> root, String network)
      throws CniException {
    Object value = root.get("cni.dev/valid-attachments");
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> list)) {
      throw invalid("'cni.dev/valid-attachments' must be a list");
    }
    List<Attachment> valid = new ArrayList<>();
    for (Object item : list) {
      Map<String, Object> a = object(item, "each of 'cni.dev/valid-attachments'");
      valid.add(new Attachment(network,
          text(a, "containerID", "a valid attachment")
              .orElseThrow(() -> invalid("a valid attachment has no 'containerID'")),
          text(a, "ifname", "a valid attachment")
              .orElseThrow(() -> invalid("a valid attachment has no 'ifname'"))));
    }
    return List.copyOf(valid);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object value, String what) throws CniException {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw invalid(what + " must be a JSON object");
  }

  private static Optional<String> text(Map<String, Object> object, String key, String where)
      throws CniException {
    Object value = object.get(key);
    if (value == null || value instanceof String) {
      return Optional.ofNullable((String) value);
    }
    throw invalid("'" + key + "' in " + where + " must be a string, not " + value);
  }

  private static Optional<Long> address(Map<String, Object> object, String key, String what)
      throws CniException {
    Optional<String> text = text(object, key, what);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Ip.parse(text.get()));
    } catch (IllegalArgumentException e) {
      throw invalid(what + " is not an IPv4 address: " + e.getMessage());
    }
  }

  static CniException invalid(String message) {
    return new CniException(ErrorCode.INVALID_NETWORK_CONFIG, message);
  }
}
