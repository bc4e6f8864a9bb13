package io.weft.cli;

import picocli.CommandLine.Command;

/** {@code weft reset}: hands this peer's ranges to another peer before it goes away. */
@Command(name = "reset",
    description = "Hand this peer's address ranges to a live peer, then forget them.")
final class ResetCommand extends ClientCommand {
  @Override
  int run(AgentClient agent) throws AgentClient.Unreachable {
    return report(agent.send("DELETE", "/peer"));
  }
}
