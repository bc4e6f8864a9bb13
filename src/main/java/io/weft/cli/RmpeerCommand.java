package io.weft.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weft rmpeer [--force] PEER...}: this peer takes over the ranges of dead peers. */
@Command(name = "rmpeer",
    description = "Take over the address ranges of peers that are gone for good.")
final class RmpeerCommand extends ClientCommand {
  @Option(names = "--force", description = "Also remove a peer that is reachable right now.")
  boolean force;

  @Parameters(arity = "1..*", paramLabel = "PEER", description = "Peer names or nicknames.")
  List<String> peers;

  @Override
  int run(AgentClient agent) throws AgentClient.Unreachable {
    int worst = 0;
    for (String peer : peers) {
      String query = force ? "?force=true" : "";
      worst = Math.max(worst, report(agent.send("DELETE", "/peer/" + encode(peer) + query)));
    }
    return worst;
  }
}
