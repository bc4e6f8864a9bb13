package io.weft.cli;

import io.weft.net.Cidr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code weft allocate ID [CIDR]}: prints the address given to ID. */
@Command(name = "allocate", description = "Allocate an address for ID (idempotent per subnet).")
final class AllocateCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Container ID, name, or _.")
  String id;

  @Parameters(index = "1", arity = "0..1", paramLabel = "CIDR",
      converter = Converters.CidrConverter.class, description = "Subnet; default: the agent's.")
  Cidr subnet;

  @Override
  int run(AgentClient agent) throws AgentClient.Unreachable {
    return report(agent.send("POST", ipPath(id, subnet)));
  }
}
