package io.weft.cli;

import io.weft.net.Ip;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** {@code weft release ID [IP]}: frees one address of ID, or all of them. */
@Command(name = "release", description = "Free the addresses of ID, or only IP.")
final class ReleaseCommand extends ClientCommand {
  @Parameters(index = "0", paramLabel = "ID", description = "Container ID, name, or _.")
  String id;

  @Parameters(index = "1", arity = "0..1", paramLabel = "IP", description = "One address.")
  String ip;

  @Override
  int run(AgentClient agent) throws AgentClient.Unreachable {
    String path = "/ip/" + ident(id);
    if (ip != null) {
      String bare = ip.contains("/") ? ip.substring(0, ip.indexOf('/')) : ip;
      try {
        path += "/" + Ip.format(Ip.parse(bare));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(),
            "Invalid value for parameter 'IP': " + e.getMessage());
      }
    }
    return report(agent.send("DELETE", path));
  }
}
