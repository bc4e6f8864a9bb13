package io.weft.cni;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code weft-ipam}: the CNI IPAM plugin's entry point, run once per call by a container runtime
 * with the {@code CNI_*} environment and the network config on stdin. It loads no Vert.x and no
 * Hazelcast class: it talks to the local agent's HTTP API and exits.
 */
public final class CniMain {
  private CniMain() {}

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    int status = run(System.getenv(), readStdin(), out);
    out.flush();
    System.exit(status);
  }

  private static String readStdin() {
    try {
      return new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  /** Runs one call; prints the result or the error object and returns the exit status. */
  static int run(Map<String, String> env, String stdin, PrintStream out) {
    String version = null; // the config's, once it is parsed
    try {
      if (stdin == null) {
        throw new CniException(ErrorCode.IO_FAILURE, "could not read the network config from"
            + " stdin");
      }
      Command command = Command.of(env.getOrDefault("CNI_COMMAND", ""))
          .orElseThrow(() -> new CniException(ErrorCode.INVALID_ENVIRONMENT, "CNI_COMMAND is '"
              + env.getOrDefault("CNI_COMMAND", "") + "': it must be one of ADD, DEL, CHECK,"
              + " GC, STATUS or VERSION"));
      if (command == Command.VERSION) {
        // A runtime asks what this plugin speaks, whatever it speaks itself: the answer is the
        // list, in the runtime's version when this plugin has it.
        out.println(Json.write(CniResult.versions(declaredVersion(stdin))));
        return 0;
      }
      NetworkConfig config = NetworkConfig.parse(stdin);
      version = config.version().text;
      Object result = execute(command, config, env);
      if (result != null) {
        out.println(Json.write(result));
      }
      return 0;
    } catch (CniException e) {
      String in = version != null ? version : declaredVersion(stdin);
      out.println(Json.write(CniResult.error(in, e)));
      return 1;
    } catch (RuntimeException e) {
      String in = version != null ? version : declaredVersion(stdin);
      out.println(Json.write(CniResult.error(in, new CniException(ErrorCode.AGENT_REFUSED,
          "weft-ipam failed unexpectedly: " + e + " (please report it)", ""))));
      return 1;
    }
  }

  /**
   * The version the config asks for, when it names one weft-ipam speaks, so that an error in the
   * rest of the config is written in that version too; else the newest this plugin speaks.
   */
  private static String declaredVersion(String stdin) {
    if (stdin == null) {
      return CniVersion.V1_1_0.text;
    }
    try {
      return NetworkConfig.versionOf(stdin).text;
    } catch (CniException unreadable) {
      return CniVersion.V1_1_0.text; // the error itself says why
    }
  }

  private static Object execute(Command command, NetworkConfig config, Map<String, String> env)
      throws CniException {
    IpamPlugin plugin = new IpamPlugin(config);
    switch (command) {
      case ADD -> {
        return plugin.add(attachment(command, config, env), RequestedAddress.of(env, config))
            .render(config.version());
      }
      case DEL -> plugin.del(attachment(command, config, env));
      case CHECK -> {
        needs(config.version().hasCheck(), "CHECK", "0.4.0", config);
        plugin.check(attachment(command, config, env));
      }
      case GC -> {
        needs(config.version().hasGcAndStatus(), "GC", "1.1.0", config);
        plugin.gc();
      }
      case STATUS -> {
        needs(config.version().hasGcAndStatus(), "STATUS", "1.1.0", config);
        plugin.status();
      }
      default -> throw new IllegalStateException("unhandled command " + command);
    }
    return null;
  }

  private static void needs(boolean supported, String command, String since,
      NetworkConfig config) throws CniException {
    if (!supported) {
      throw new CniException(ErrorCode.INCOMPATIBLE_CNI_VERSION, "config version "
          + config.version().text + " does not allow " + command + " (it came with CNI "
          + since + ")");
    }
  }

  private static Attachment attachment(Command command, NetworkConfig config,
      Map<String, String> env) throws CniException {
    String containerId = required(env, "CNI_CONTAINERID", command);
    String ifname = required(env, "CNI_IFNAME", command);
    if (command != Command.DEL) {
      required(env, "CNI_NETNS", command);
    }
    return new Attachment(config.name(), containerId, ifname);
  }

  private static String required(Map<String, String> env, String name, Command command)
      throws CniException {
    String value = env.get(name);
    if (value == null || value.isEmpty()) {
      throw new CniException(ErrorCode.INVALID_ENVIRONMENT, name + " is not set: " + command
          + " needs it (a container runtime sets it)");
    }
    return value;
  }
}
