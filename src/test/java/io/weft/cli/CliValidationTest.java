package io.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.agent.AgentOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Bad usage exits 2 with a message naming the flag and the problem; nothing starts. */
class CliValidationTest {

  record Run(int code, String out, String err) {}

  static Run weft(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Parses a launch command line (with its config file) into options, starting nothing. */
  static AgentOptions launchOptions(String... args) {
    CommandLine cli = Main.commandLine();
    String[] full = new String[args.length + 1];
    full[0] = "launch";
    System.arraycopy(args, 0, full, 1, args.length);
    Main.applyConfigFile(cli, full);
    CommandLine.ParseResult parsed = cli.parseArgs(full);
    LaunchCommand launch = parsed.subcommand().commandSpec().commandLine().getCommand();
    return launch.options();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "--ipalloc-range | 10.32.0.0/33 | '10.32.0.0/33'",
      "--ipalloc-range | 10.32.0.1/12 | has host bits set",
      "--ipalloc-range | banana | has no prefix",
      "--ipalloc-range | 10.0.0.0/31 | needs at least 4",
      "--ipalloc-range | 10.0.0.0/32 | needs at least 4",
      "--ipalloc-range | 0.0.0.0/0 | includes 0.0.0.0/8, 127.0.0.0/8, 224.0.0.0/4, which no"
          + " container can hold: pick a private range such as 10.32.0.0/12",
      "--ipalloc-range | 128.0.0.0/1 | includes 224.0.0.0/4",
      "--ipalloc-range | 127.0.0.0/24 | includes 127.0.0.0/8",
      "--ipalloc-range | 0.0.0.0/16 | includes 0.0.0.0/8",
      "--name | 00:00:00:00:00:00 | how Weave writes an unknown peer",
      "--ipalloc-default-subnet | 192.168.0.0/16 | does not overlap the allocation range",
      "--ipalloc-default-subnet | 10.32.0.1/24 | has host bits set",
      "--ipalloc-default-subnet | 10.32.0.0/31 | a default subnet needs at least 4",
      "--ipalloc-default-subnet | 10.32.0.0/32 | a default subnet needs at least 4",
      "--http-addr | 127.0.0.1:99999 | outside 1..65535",
      "--http-addr | 127.0.0.1 | has no port",
      "--http-addr | 127.0.0.1:abc | bad port",
      "--bus-port | 0 | outside 1..65535",
      "--bus-port | 70000 | outside 1..65535",
      "--cluster-addr | host:0 | outside 1..65535",
      "--bridge-addr | 127.0.0.1:x | bad port",
      "--init-peer-count | 0 | use 1 or more",
      "--init-peer-count | many | 'many'",
      "--name | not-a-name | six hex pairs",
      "--container-grace | -5 | negative",
      "--docker-host | http://x | not a Docker API address",
      "--cluster-name | 'a b' | must be 1-64",
      "--docker-plugin | weft.sock | not an absolute socket path",
      "--ipalloc-init | consensus=0 | use consensus=N",
      "--ipalloc-init | seed=paris | not a peer name",
      "--ipalloc-init | seed=0a:00:00:00:00:01,0a:00:00:00:00:01 | named twice",
      "--ipalloc-init | quorum | use consensus=N, observer or seed="})
  void badLaunchFlagsExitTwoNamingTheFlag(String flag, String value, String problem) {
    Run run = weft("launch", flag, value);
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains(flag).contains(problem).contains("weft help launch");
  }

  @Test
  void unknownFlagsAndCommandsExitTwo() {
    assertThat(weft("launch", "--bogus").err()).contains("Unknown option: '--bogus'");
    assertThat(weft("launch", "--bogus").code()).isEqualTo(2);
    assertThat(weft("frobnicate").code()).isEqualTo(2);
    assertThat(weft().code()).isEqualTo(2);
    assertThat(weft("launch", "peer:123456").err()).contains("PEER").contains("'peer:123456'");
  }

  @Test
  void clientCommandsValidateTheirArguments() {
    assertThat(weft("allocate", "c1", "10.32.0.1/12").err()).contains("has host bits set");
    assertThat(weft("allocate", "bad id!").code()).isEqualTo(2);
    assertThat(weft("claim", "c1", "10.32.0.9").err()).contains("no prefix");
    assertThat(weft("release", "c1", "10.32.0.300").err()).contains("'10.32.0.300'");
    assertThat(weft("lookup").code()).isEqualTo(2);
    assertThat(weft("rmpeer").code()).isEqualTo(2);
    assertThat(weft("status", "bogus").code()).isEqualTo(2);
    assertThat(weft("status", "--http-addr", "localhost:0").err()).contains("--http-addr");
  }

  @Test
  void clientCommandsExitThreeWhenNoAgentAnswers() {
    Run run = weft("status", "--http-addr", "127.0.0.1:1");
    assertThat(run.code()).isEqualTo(3);
    assertThat(run.err()).contains("no weft agent answers at http://127.0.0.1:1");
    assertThat(weft("allocate", "c1", "--http-addr", "127.0.0.1:1").code()).isEqualTo(3);
  }

  @Test
  void versionAndHelp() {
    assertThat(weft("--version").out()).startsWith("weft ");
    Run help = weft("help", "launch");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("--ipalloc-range").contains("--init-peer-count")
        .contains("--observer").contains("PEER");
    for (String command : new String[] {"status", "consense", "rmpeer", "reset", "allocate",
        "claim", "release", "lookup"}) {
      assertThat(weft("help", command).code()).as(command).isZero();
    }
  }

  @Test
  void weavesIpallocInitSyntaxStandsForWeftsFlags() {
    assertThat(launchOptions("--ipalloc-init", "consensus=5").quorum()).isEqualTo(3);
    assertThat(launchOptions("--ipalloc-init", "observer").observer()).isTrue();
    AgentOptions seeded = launchOptions("--ipalloc-init",
        "seed=0a:00:00:00:00:02,0a:00:00:00:00:01");
    assertThat(seeded.seeds()).extracting(Object::toString)
        .containsExactly("0a:00:00:00:00:02", "0a:00:00:00:00:01");
    assertThat(launchOptions("h2").seeds()).isEmpty();
    Run contradicts = weft("launch", "--ipalloc-init", "consensus=3", "--init-peer-count", "5");
    assertThat(contradicts.code()).isEqualTo(2);
    assertThat(contradicts.err()).contains("contradicts --init-peer-count 5");
    // Weave's modes exclude each other: an observer neither votes nor seeds.
    for (String mode : new String[] {"consensus=3", "seed=0a:00:00:00:00:01"}) {
      Run observer = weft("launch", "--observer", "--ipalloc-init", mode);
      assertThat(observer.code()).as(mode).isEqualTo(2);
      assertThat(observer.err()).as(mode).contains("--ipalloc-init")
          .contains(mode + " contradicts --observer").contains("give one of them");
    }
    assertThat(launchOptions("--observer", "--ipalloc-init", "observer").observer()).isTrue();
  }

  /**
   * Only ranges that include addresses no container can hold are refused, not large ones as
   * such: a big unicast block, or class E space that some clusters use, is accepted.
   */
  @Test
  void largeUnicastRangesAreAccepted() {
    assertThat(launchOptions("--ipalloc-range", "128.0.0.0/2").range().toString())
        .isEqualTo("128.0.0.0/2");
    assertThat(launchOptions("--ipalloc-range", "240.0.0.0/4").range().toString())
        .isEqualTo("240.0.0.0/4");
    assertThat(launchOptions("--ipalloc-range", "1.0.0.0/8").range().toString())
        .isEqualTo("1.0.0.0/8");
  }

  @Test
  void defaultsFollowTheDesign() {
    AgentOptions o = launchOptions("--data-dir", "/tmp/x", "h2", "h3:7000");
    assertThat(o.range().toString()).isEqualTo("10.32.0.0/12");
    assertThat(o.defaultSubnet()).isEqualTo(o.range());
    assertThat(o.httpAddr().toString()).isEqualTo("127.0.0.1:6784");
    assertThat(o.busPort()).isEqualTo(6785);
    assertThat(o.clusterPort()).isEqualTo(6783);
    assertThat(o.clusterHost()).isEmpty();
    assertThat(o.bridgeAddr().orElseThrow().toString()).isEqualTo("127.0.0.1:6786");
    assertThat(o.dockerHost()).contains("unix:///var/run/docker.sock");
    assertThat(o.clusterName()).isEqualTo("weft");
    assertThat(o.containerGrace().toSeconds()).isEqualTo(30);
    assertThat(o.peers()).extracting(Object::toString).containsExactly("h2:6783", "h3:7000");
    assertThat(o.quorum()).isEqualTo(2);
    assertThat(launchOptions("--init-peer-count", "5").quorum()).isEqualTo(3);
    AgentOptions sameListEverywhere = launchOptions("--cluster-addr", "10.0.0.1:6783",
        "10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.2:6783");
    assertThat(sameListEverywhere.peers()).extracting(Object::toString)
        .containsExactly("10.0.0.2:6783", "10.0.0.3:6783");
    assertThat(sameListEverywhere.quorum()).isEqualTo(2);
    assertThat(launchOptions("--bridge-addr", "none", "--docker-host", "none").bridgeAddr())
        .isEmpty();
  }

  @Test
  void configFileSuppliesDefaultsAndFlagsWin(@TempDir Path dir) throws Exception {
    Path config = dir.resolve("weft.yaml");
    Files.writeString(config, String.join("\n",
        "ipalloc-range: 10.2.0.0/16",
        "init-peer-count: 3",
        "observer: true",
        "http-addr: 127.0.0.1:7000",
        "nickname: fromfile",
        "peers: [h1, 'h2:7001']", ""));
    AgentOptions fromFile = launchOptions("--config", config.toString());
    assertThat(fromFile.range().toString()).isEqualTo("10.2.0.0/16");
    assertThat(fromFile.defaultSubnet().toString()).isEqualTo("10.2.0.0/16");
    assertThat(fromFile.quorum()).isEqualTo(2);
    assertThat(fromFile.observer()).isTrue();
    assertThat(fromFile.nickname()).isEqualTo("fromfile");
    assertThat(fromFile.peers()).extracting(Object::toString).containsExactly("h1:6783", "h2:7001");
    AgentOptions flagsWin = launchOptions("--config", config.toString(),
        "--ipalloc-range", "10.9.0.0/16", "--http-addr", "127.0.0.1:7100", "h9");
    assertThat(flagsWin.range().toString()).isEqualTo("10.9.0.0/16");
    assertThat(flagsWin.httpAddr().port()).isEqualTo(7100);
    assertThat(flagsWin.nickname()).isEqualTo("fromfile");
    assertThat(flagsWin.peers()).extracting(Object::toString).containsExactly("h9:6783");
  }

  @Test
  void badConfigFilesExitTwoNamingTheProblem(@TempDir Path dir) throws Exception {
    Path unknown = dir.resolve("unknown.yaml");
    Files.writeString(unknown, "ipalloc-rnage: 10.2.0.0/16\n");
    Run run = weft("launch", "--config", unknown.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("unknown key 'ipalloc-rnage'");
    Path badValue = dir.resolve("bad.yaml");
    Files.writeString(badValue, "ipalloc-range: 10.2.0.1/16\n");
    run = weft("launch", "--config", badValue.toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("--ipalloc-range").contains("host bits");
    Path notYaml = dir.resolve("broken.yaml");
    Files.writeString(notYaml, "a: [unclosed\n");
    assertThat(weft("launch", "--config", notYaml.toString()).err()).contains("not valid YAML");
    assertThat(weft("launch", "--config", dir.resolve("missing.yaml").toString()).err())
        .contains("does not exist");
  }

  @Test
  void theShippedConfigFileIsValid() {
    AgentOptions shipped = launchOptions("--config", "conf/weft.yaml");
    assertThat(shipped.range().toString()).isEqualTo("10.32.0.0/12");
    assertThat(shipped.dataDir().toString()).isEqualTo("/var/lib/weft");
  }
}
