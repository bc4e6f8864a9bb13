package io.weft.cli;

import io.weft.agent.EarlyStart;
import io.weft.agent.Version;
import io.weft.cli.tls.TlsCommand;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The {@code weft} executable: one jar, one command per action (the README lists them). */
@Command(name = "weft", mixinStandardHelpOptions = true, versionProvider = Main.VersionText.class,
    description = "Hands every container on a cluster of hosts a unique IP address.",
    subcommands = {LaunchCommand.class, StatusCommand.class, ConsenseCommand.class,
        RmpeerCommand.class, ResetCommand.class, AllocateCommand.class, ClaimCommand.class,
        ReleaseCommand.class, LookupCommand.class, TlsCommand.class, HelpCommand.class})
public final class Main implements Runnable {
  static final int USAGE = 2;

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("launch")) {
      EarlyStart.begin();
    }
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

  /**
   * The command line for one that starts with {@code first}. Building a command's model reflects
   * over all its flags (most of the 0.2 s picocli took at start-up), so a command line that
   * names one command, as the agent's start and scripts' calls do, builds only that one under a
   * bare {@code weft}; help, a typo or no command builds them all.
   */
  static CommandLine commandLine(String first) {
    Class<?> named = "help".equals(first) ? null : commandNamed(first);
    CommandLine cli;
    if (named == null) {
      cli = new CommandLine(new Main());
    } else {
      cli = new CommandLine(CommandSpec.wrapWithoutInspection(new Main()).name("weft")
          .mixinStandardHelpOptions(true));
      cli.addSubcommand(first, named);
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

  /** The command class whose name is {@code name}, read from the annotations alone. */
  private static Class<?> commandNamed(String name) {
    for (Class<?> command : Main.class.getAnnotation(Command.class).subcommands()) {
      Command annotation = command.getAnnotation(Command.class);
      if (annotation != null && annotation.name().equals(name)) {
        return command;
      }
    }
    return null;
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
