package io.weft.cli;

import picocli.CommandLine.Command;

/** {@code weft consense}: blocks until this peer has a ring (joined, or consensus reached). */
@Command(name = "consense", aliases = "prime",
    description = "Wait until this peer has joined the IP allocation ring; starts consensus.")
final class ConsenseCommand extends ClientCommand {
  @Override
  int run(AgentClient agent) throws AgentClient.Unreachable {
    AgentClient.Response response = agent.send("GET", "/ring");
    if (response.ok()) {
      out().println("consensus achieved: this peer has joined the IP allocation ring");
      return 0;
    }
    return report(response);
  }
}
