package io.weft.cli;

import io.weft.net.HostPort;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a running agent over HTTP. Exit codes: 0 success, 1 the agent answered
 * an error (its message on stderr), 2 bad usage, 3 no agent reachable.
 */
abstract class ClientCommand implements Callable<Integer> {
  static final int AGENT_ERROR = 1;
  static final int UNREACHABLE = 3;

  @Spec CommandSpec spec;

  @Option(names = "--http-addr", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:6784",
      converter = Converters.HostPortConverter.class,
      description = "The agent's HTTP API. Default: ${DEFAULT-VALUE}")
  HostPort httpAddr;

  @Override
  public final Integer call() {
    try {
      return run(new AgentClient(httpAddr));
    } catch (AgentClient.Unreachable e) {
      err().println("weft: " + e.getMessage());
      return UNREACHABLE;
    }
  }

  abstract int run(AgentClient agent) throws AgentClient.Unreachable;

  /** Prints a successful body (if any) to stdout, an error body to stderr; the exit code. */
  int report(AgentClient.Response response) {
    if (response.ok()) {
      if (response.body().endsWith("\n")) {
        out().print(response.body()); // a text that ends its own lines (status ipam)
        out().flush();
      } else if (!response.body().isEmpty()) {
        out().println(response.body());
      }
      return 0;
    }
    err().println("weft: " + (response.body().isEmpty()
        ? "the agent answered HTTP " + response.status() : response.body()));
    return AGENT_ERROR;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** Container IDs, weave:expose-style names, or "_" for anonymous allocations. */
  String ident(String id) {
    if (id == null || !id.matches("_|[A-Za-z0-9][A-Za-z0-9_.:\\-]{0,127}")) {
      throw new ParameterException(spec.commandLine(), "Invalid value for parameter 'ID': '" + id
          + "' must be '_' or 1-128 letters, digits, '_', '.', ':' or '-', starting with a"
          + " letter or digit");
    }
    return encode(id);
  }

  /** {@code /ip/ID}, or {@code /ip/ID/IP/PREFIX} for one subnet. */
  String ipPath(String id, io.weft.net.Cidr subnet) {
    return "/ip/" + ident(id) + (subnet == null ? ""
        : "/" + io.weft.net.Ip.format(subnet.address()) + "/" + subnet.prefix());
  }

  static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8);
  }
}
