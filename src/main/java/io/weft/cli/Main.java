package io.weft.cli;

import io.weft.agent.Version;
import io.weft.cli.tls.TlsCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.OptionSpec;

/** The {@code weft} executable: one jar, one command per action (the README lists them). */
@Command(name = "weft", mixinStandardHelpOptions = true, versionProvider = Main.VersionText.class,
    description = "Hands every container on a cluster of hosts a unique IP address.")
public final class Main implements Runnable {
  static final int USAGE = 2;

  /**
   * The commands, in the order help lists them. Building a command's model reflects over all
   * its flags (about 0.15 s for all of them at start-up), so a command line that names one
   * command, as the agent's start and scripts' calls do, builds only that one; help, a typo
   * or no command builds them all.
   */
  private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("launch", LaunchCommand::new);
    COMMANDS.put("status", StatusCommand::new);
    COMMANDS.put("consense", ConsenseCommand::new);
    COMMANDS.put("rmpeer", RmpeerCommand::new);
    COMMANDS.put("reset", ResetCommand::new);
    COMMANDS.put("allocate", AllocateCommand::new);
    COMMANDS.put("claim", ClaimCommand::new);
    COMMANDS.put("release", ReleaseCommand::new);
    COMMANDS.put("lookup", LookupCommand::new);
    COMMANDS.put("tls", TlsCommand::new);
    COMMANDS.put("help", HelpCommand::new);
  }

  public static void main(String[] args) {
    int code;
    try {
      code = run(args);
    } catch (Throwable t) {
      // E.g. the jar was replaced under a running agent and a class of the shutdown path can
      // no longer be loaded: without this, cluster threads would keep the JVM alive forever.
      t.printStackTrace();
      Runtime.getRuntime().halt(1);
      return;
    }
    System.exit(code);
  }

  /** Runs one command line; returns the exit code. */
  static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = commandLine(args.length > 0 ? args[0] : "");
    cli.setOut(out);
    cli.setErr(err);
    try {
      applyConfigFile(cli, args);
    } catch (IllegalArgumentException e) {
      cli.getErr().println("weft: " + e.getMessage());
      return USAGE;
    }
    return cli.execute(args);
  }

  /** The command line with every command. */
  static CommandLine commandLine() {
    return commandLine("");
  }

  /** The command line for one that starts with {@code first}: see {@link #COMMANDS}. */
  static CommandLine commandLine(String first) {
    CommandLine cli = new CommandLine(new Main());
    if (COMMANDS.containsKey(first) && !first.equals("help")) {
      cli.addSubcommand(first, COMMANDS.get(first).get());
    } else {
      COMMANDS.forEach((name, command) -> cli.addSubcommand(name, command.get()));
    }
    cli.setParameterExceptionHandler((e, args) -> {
      CommandLine failed = e.getCommandLine();
      failed.getErr().println("weft: " + e.getMessage());
      String name = failed.getCommandName();
      failed.getErr().println("Try 'weft help" + ("weft".equals(name) ? "" : " " + name)
          + "' for the flags and their forms.");
      return USAGE;
    });
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      commandLine.getErr().println("weft: " + e.getMessage());
      return 1;
    });
    return cli;
  }

  /**
   * {@code launch --config FILE}: the file's values become the defaults of launch's flags, so
   * flags given on the command line win.
   */
  static void applyConfigFile(CommandLine cli, String[] args) {
    if (args.length == 0 || !"launch".equals(args[0])) {
      return;
    }
    String file = null;
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        file = args[i + 1];
      } else if (args[i].startsWith("--config=")) {
        file = args[i].substring("--config=".length());
      }
    }
    if (file == null) {
      return;
    }
    ConfigFile config = ConfigFile.read(Path.of(file));
    CommandLine launch = cli.getSubcommands().get("launch");
    List<String> known = new ArrayList<>();
    for (OptionSpec option : launch.getCommandSpec().options()) {
      String key = option.longestName().replaceFirst("^--", "");
      if (!key.equals("config")) {
        known.add(key);
      }
    }
    known.add(ConfigFile.PEERS);
    config.checkKeys(known);
    launch.setDefaultValueProvider(config);
    ((LaunchCommand) launch.getCommand()).configPeers = config.peers();
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(new CommandLine(this),
        "Missing command: try 'weft help'");
  }

  static final class VersionText implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"weft " + Version.text()};
    }
  }
}
