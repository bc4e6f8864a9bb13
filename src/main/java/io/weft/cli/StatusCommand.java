package io.weft.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weft status [ipam] [--json]}. */
@Command(name = "status", description = "Show the agent's status; 'ipam' shows who owns what.")
final class StatusCommand extends ClientCommand {

  enum Section { ipam }

  @Parameters(arity = "0..1", paramLabel = "ipam", description = "Show the address ownership.")
  Section section;

  @Option(names = "--json", description = "Print the status JSON as the agent sends it.")
  boolean json;

  @Override
  int run(AgentClient agent) throws AgentClient.Unreachable {
    AgentClient.Response response = agent.send("GET",
        section == Section.ipam ? "/status/ipam" : "/status");
    if (!response.ok() || json || section == Section.ipam) {
      return report(response);
    }
    out().println(human(new JsonObject(response.body())));
    return 0;
  }

  static String human(JsonObject s) {
    StringBuilder text = new StringBuilder();
    line(text, "Version", s.getString("version"));
    line(text, "Peer", s.getString("name") + "(" + s.getString("nickname") + ")"
        + (s.getBoolean("observer", false) ? " observer" : ""));
    line(text, "Consensus", s.getString("consensus") + " (quorum " + s.getValue("quorum")
        + ", electors known " + s.getValue("knownElectors") + ")");
    line(text, "Range", s.getString("range"));
    line(text, "DefaultSubnet", s.getString("defaultSubnet"));
    line(text, "Active", s.getValue("activeAddresses") + " address(es); pending "
        + s.getValue("pendingAllocations") + " allocation(s), " + s.getValue("pendingClaims")
        + " claim(s)");
    JsonArray peers = s.getJsonArray("peers", new JsonArray());
    long reachable = peers.stream().filter(p -> ((JsonObject) p).getBoolean("reachable", false))
        .count();
    line(text, "Peers", peers.size() + " (" + reachable + " reachable)");
    for (Object p : peers) {
      JsonObject peer = (JsonObject) p;
      text.append(String.format("%16s  %s(%s) owned %s free %s%s%n", "",
          peer.getString("name"), peer.getString("nickname"), peer.getValue("owned"),
          peer.getValue("free"), peer.getBoolean("reachable", false) ? "" : " - unreachable!"));
    }
    line(text, "Docker", s.getString("docker"));
    line(text, "Persistence", s.getString("persistence"));
    for (Object e : s.getJsonArray("errors", new JsonArray())) {
      line(text, "Error", String.valueOf(e));
    }
    return text.toString().stripTrailing();
  }

  private static void line(StringBuilder text, String label, Object value) {
    text.append(String.format("%16s: %s%n", label, value));
  }
}
