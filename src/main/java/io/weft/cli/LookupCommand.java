package io.weft.cli;

import io.weft.net.Cidr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code weft lookup ID [CIDR]}: prints the addresses of ID. */
@Command(name = "lookup", description = "Print the addresses allocated to ID.")
final class LookupCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Container ID, name, or _.")
  String id;

  @Parameters(index = "1", arity = "0..1", paramLabel = "CIDR",
      converter = Converters.CidrConverter.class, description = "Only in this subnet.")
  Cidr subnet;

  @Override
  int run(AgentClient agent) throws AgentClient.Unreachable {
    return report(agent.send("GET", ipPath(id, subnet)));
  }
}
