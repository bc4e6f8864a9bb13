package io.weft.cli;

import io.weft.net.Ip;
import io.weft.net.PrefixedAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code weft claim ID IP/PREFIX}: records a specific address for ID. */
@Command(name = "claim", description = "Claim a specific address for ID.")
final class ClaimCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Container ID, name, or _.")
  String id;

  @Parameters(index = "1", paramLabel = "IP/PREFIX",
      converter = Converters.PrefixedAddressConverter.class,
      description = "The address and its subnet prefix, e.g. 10.32.0.9/12.")
  PrefixedAddress address;

  @Override
  int run(AgentClient agent) throws AgentClient.Unreachable {
    String path = "/ip/" + ident(id) + "/" + Ip.format(address.address()) + "/"
        + address.prefix();
    return report(agent.send("PUT", path));
  }
}
