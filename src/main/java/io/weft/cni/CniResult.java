package io.weft.cni;

import io.weft.net.Ip;
import io.weft.net.PrefixedAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What ADD answers: one IPv4 address, its gateway and the configured routes. */
record CniResult(PrefixedAddress address, Optional<Long> gateway,
    List<NetworkConfig.Route> routes) {

  /** The result as the runtime's {@code cniVersion} lays it out. */
  Map<String, Object> render(CniVersion version) {
    Map<String, Object> ip = new LinkedHashMap<>();
    if (version.ipsNameTheirVersion()) {
      ip.put("version", "4");
    }
    ip.put("address", address.toString());
    gateway.ifPresent(g -> ip.put("gateway", Ip.format(g)));
    List<Object> routeList = new ArrayList<>();
    for (NetworkConfig.Route r : routes) {
      Map<String, Object> route = new LinkedHashMap<>();
      route.put("dst", r.dst().toString());
      r.gw().ifPresent(g -> route.put("gw", Ip.format(g)));
      if (version.routesHaveExtraFields()) {
        route.putAll(r.extra());
      }
      routeList.add(route);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("cniVersion", version.text);
    result.put("ips", List.of(ip));
    if (!routeList.isEmpty()) {
      result.put("routes", routeList);
    }
    return result;
  }

  /** The specification's error object. */
  static Map<String, Object> error(String cniVersion, CniException e) {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("cniVersion", cniVersion);
    error.put("code", e.code.code);
    error.put("msg", e.getMessage());
    error.put("details", e.details);
    return error;
  }

  /** VERSION's answer. */
  static Map<String, Object> versions(String cniVersion) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("cniVersion", cniVersion);
    answer.put("supportedVersions", CniVersion.supported());
    return answer;
  }
}
