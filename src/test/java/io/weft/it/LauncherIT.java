package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code weft} launcher (installed as /usr/bin/weft) run from the source tree against the
 * built jar: it passes the arguments and the exit status through, and says what to do when the
 * jar or Java is missing. The installed launcher under systemd is SystemdPackageIT's.
 */
class LauncherIT {
  static final Path LAUNCHER = Path.of("src/deb/bin/weft").toAbsolutePath();

  record Run(int exit, String output) {}

  static Run launch(Map<String, String> env, String... args) throws Exception {
    String[] command = new String[args.length + 1];
    command[0] = LAUNCHER.toString();
    System.arraycopy(args, 0, command, 1, args.length);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("WEFT_JAVA_OPTS");
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), output);
  }

  static Map<String, String> home(Path dir) throws Exception {
    try {
      Files.createLink(dir.resolve("weft.jar"), AgentProcess.jar());
    } catch (IOException otherFileSystem) {
      Files.copy(AgentProcess.jar(), dir.resolve("weft.jar"));
    }
    return Map.of("WEFT_HOME", dir.toString());
  }

  @Test
  void runsTheJarWithTheArgumentsAndPassesTheExitStatusOn(@TempDir Path dir) throws Exception {
    Map<String, String> env = home(dir);
    Run version = launch(env, "--version");
    assertThat(version.exit()).isZero();
    assertThat(version.output()).startsWith("weft ");
    Run badUsage = launch(env, "allocate");
    assertThat(badUsage.exit()).as(badUsage.output()).isEqualTo(2);
    assertThat(badUsage.output()).contains("weft:");
  }

  @Test
  void extraJvmOptionsReachTheJvm(@TempDir Path dir) throws Exception {
    Run run = launch(Map.of("WEFT_HOME", home(dir).get("WEFT_HOME"),
        "WEFT_JAVA_OPTS", "-XX:+PrintFlagsFinal"), "--version");
    assertThat(run.exit()).isZero();
    assertThat(run.output()).containsPattern("bool UseSerialGC\\s+= true")
        .as("client commands start with the fast JIT tier only")
        .containsPattern("intx TieredStopAtLevel\\s+= 1");
  }

  @Test
  void theAgentTakesTransparentHugePagesWhereTheKernelOffersThem(@TempDir Path dir)
      throws Exception {
    Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    boolean offered = Files.isReadable(setting)
        && Files.readString(setting).matches("(?s).*\\[(always|madvise)\\].*");
    assertThat(agentJvmFlags(dir)).containsPattern("bool UseTransparentHugePages\\s+= " + offered)
        .as("no warning on every start where the kernel has none")
        .doesNotContain("transparent huge pages are not supported")
        .containsPattern("bool ExitOnOutOfMemoryError\\s+= true");
  }

  @Test
  void theAgentDefersTheOptimisingCompiler(@TempDir Path dir) throws Exception {
    assertThat(agentJvmFlags(dir)).containsPattern("intx Tier4InvocationThreshold\\s+= 20000")
        .containsPattern("intx Tier4BackEdgeThreshold\\s+= 160000")
        .as("the agent keeps both compilers").containsPattern("intx TieredStopAtLevel\\s+= 4");
  }

  /** The final flags of the JVM that {@code weft launch} starts the agent in. */
  private static String agentJvmFlags(Path dir) throws Exception {
    Run run = launch(Map.of("WEFT_HOME", home(dir).get("WEFT_HOME"),
        "WEFT_JAVA_OPTS", "-XX:+PrintFlagsFinal -version"), "launch"); // -version: exits
    assertThat(run.exit()).as(run.output()).isZero();
    return run.output();
  }

  @Test
  void makeArchivesMakesArchivesTheCommandsStartFrom(@TempDir Path dir) throws Exception {
    Map<String, String> env = home(dir);
    Run made = launch(env, "--make-archives");
    assertThat(made.exit()).as(made.output()).isZero();
    assertThat(dir.resolve("weft-cli.jsa")).as("the client commands' archive").isNotEmptyFile();
    assertThat(dir.resolve("weft.jsa")).as("the agent's archive").isNotEmptyFile();
    // -Xshare:on: the JVM refuses to start unless the launcher handed it a usable archive.
    Run help = launch(Map.of("WEFT_HOME", env.get("WEFT_HOME"), "WEFT_JAVA_OPTS",
        "-Xshare:on -Xlog:class+load=info"), "help", "status");
    assertThat(help.exit()).as(help.output()).isZero();
    assertThat(help.output()).contains("--http-addr")
        .containsPattern("io\\.weft\\.cli\\.StatusCommand source: shared objects file");
  }

  @Test
  void aMissingJarOrJavaIsNamedWithWhatToDo(@TempDir Path dir) throws Exception {
    Run noJar = launch(Map.of("WEFT_HOME", dir.toString()), "status");
    assertThat(noJar.exit()).isEqualTo(127);
    assertThat(noJar.output()).contains(dir.resolve("weft.jar") + " is missing")
        .contains("WEFT_HOME");
    Map<String, String> env = home(dir);
    Run noJava = launch(Map.of("WEFT_HOME", env.get("WEFT_HOME"),
        "JAVA_HOME", dir.resolve("no-such-jdk").toString()), "status");
    assertThat(noJava.exit()).isEqualTo(127);
    assertThat(noJava.output()).contains("no Java runtime found").contains("JAVA_HOME");
  }
}
