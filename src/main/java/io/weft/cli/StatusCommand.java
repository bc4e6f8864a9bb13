package io.weft.cli;

import io.weft.cni.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weft status [ipam] [--json]}. */
@Command(name = "status", description = "Show the agent's status; 'ipam' shows who owns what.")
final class StatusCommand extends ClientCommand {

  enum Section { ipam }

  @Parameters(arity = "0..1", paramLabel = "ipam", description = "Show the address ownership.")
  Section section;

  @Option(names = "--json", description = "Print the status JSON as the agent sends it; with"
      + " 'ipam', the range and the peers that own space in it, this one first.")
  boolean json;

  @Override
  int run(AgentClient agent) throws AgentClient.Unreachable {
    boolean ipamText = section == Section.ipam && !json;
    AgentClient.Response response = agent.send("GET", ipamText ? "/status/ipam" : "/status");
    if (!response.ok() || ipamText || (json && section == null)) {
      return report(response);
    }
    Object status;
    try {
      status = Json.parse(response.body());
    } catch (IOException e) {
      err().println("weft: the agent's status is not JSON (" + e.getMessage() + "): is "
          + httpAddr + " a weft agent? Try 'weft status --json' to see what it sent");
      return AGENT_ERROR;
    }
    if (!(status instanceof Map<?, ?> fields)) {
      err().println("weft: the agent's status is not a JSON object: is " + httpAddr
          + " a weft agent? Try 'weft status --json' to see what it sent");
      return AGENT_ERROR;
    }
    out().println(section == Section.ipam ? Json.write(ipam(fields)) : human(fields));
    return 0;
  }

  /**
   * {@code status ipam --json}: what the text of /status/ipam shows, as JSON read from /status:
   * the range, and each peer that owns space ({@code name, nickname, owned, free, reachable}),
   * this one first and the rest in /status's order, as the text lists them.
   */
  static Map<String, Object> ipam(Map<?, ?> s) {
    List<Object> owners = new ArrayList<>();
    for (Object p : list(s, "peers")) {
      if (p instanceof Map<?, ?> peer && peer.get("owned") instanceof Number owned
          && owned.longValue() > 0) {
        Map<String, Object> entry = new LinkedHashMap<>();
        for (String key : List.of("name", "nickname", "owned", "free", "reachable")) {
          entry.put(key, peer.get(key));
        }
        owners.add(entry);
      }
    }
    Map<String, Object> ipam = new LinkedHashMap<>();
    ipam.put("range", s.get("range"));
    ipam.put("peers", owners);
    return ipam;
  }

  /**
   * The status as Weave prints it. Plain maps, not Vert.x's JSON types: a client command loads
   * no Vert.x class (see package-info).
   */
  static String human(Map<?, ?> s) {
    StringBuilder text = new StringBuilder();
    line(text, "Version", s.get("version"));
    line(text, "Peer", s.get("name") + "(" + s.get("nickname") + ")"
        + (flag(s, "observer") ? " observer" : ""));
    line(text, "Consensus", s.get("consensus") + " (quorum " + s.get("quorum")
        + ", electors known " + s.get("knownElectors") + ")");
    line(text, "Range", s.get("range"));
    line(text, "DefaultSubnet", s.get("defaultSubnet"));
    line(text, "Active", s.get("activeAddresses") + " address(es); pending "
        + s.get("pendingAllocations") + " allocation(s), " + s.get("pendingClaims")
        + " claim(s)");
    List<?> peers = list(s, "peers");
    long reachable = peers.stream()
        .filter(p -> p instanceof Map<?, ?> peer && flag(peer, "reachable")).count();
    line(text, "Peers", peers.size() + " (" + reachable + " reachable)");
    for (Object p : peers) {
      if (!(p instanceof Map<?, ?> peer)) {
        continue;
      }
      text.append(String.format("%16s  %s(%s) owned %s free %s%s%n", "",
          peer.get("name"), peer.get("nickname"), peer.get("owned"),
          peer.get("free"), flag(peer, "reachable") ? "" : " - unreachable!"));
    }
    line(text, "Docker", s.get("docker"));
    // The store's state, from agents that report it: "ok", or "full: why".
    Object store = s.get("store");
    line(text, "Persistence", s.get("persistence")
        + (store == null || "ok".equals(store) ? "" : " - store " + store + "!"));
    for (Object e : list(s, "errors")) {
      line(text, "Error", String.valueOf(e));
    }
    return text.toString().stripTrailing();
  }

  private static boolean flag(Map<?, ?> fields, String key) {
    return Boolean.TRUE.equals(fields.get(key));
  }

  private static List<?> list(Map<?, ?> fields, String key) {
    return fields.get(key) instanceof List<?> list ? list : List.of();
  }

  private static void line(StringBuilder text, String label, Object value) {
    text.append(String.format("%16s: %s%n", label, value));
  }
}
