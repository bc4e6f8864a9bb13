package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client commands stay light: run from the built jar against a real agent with the JVM's
 * class-load log on, they answer as usual and load no class of Vert.x, Netty, Hazelcast or
 * logback (those are the agent's; loading them costs a short command most of its run).
 */
class LightCliIT {
  private static final List<String> HEAVY =
      List.of("io.vertx.", "io.netty.", "com.hazelcast.", "ch.qos.logback.");

  @Test
  void clientCommandsLoadNoAgentClasses(@TempDir Path dir) throws Exception {
    try (AgentProcess agent = new AgentProcess(dir.resolve("a"))) {
      agent.start("--nickname", "light").awaitLive(Duration.ofSeconds(60));
      String at = agent.httpAddr();
      assertLight(List.of("status", "--http-addr", at), "Peer:");
      assertLight(List.of("status", "--json", "--http-addr", at), "\"light\"");
      assertLight(List.of("allocate", "c1", "--http-addr", at), "10.32.0.1/12");
      // After the first allocation: before any ring the answer is empty, as Weave's.
      assertLight(List.of("status", "ipam", "--http-addr", at), "(light)");
      // As JSON: the range and the peers owning space, with what /status says of them.
      Run ipam = assertLight(List.of("status", "ipam", "--json", "--http-addr", at), "\"light\"");
      JsonObject self = agent.status().getJsonArray("peers").getJsonObject(0);
      assertThat(new JsonObject(ipam.out)).isEqualTo(new JsonObject()
          .put("range", "10.32.0.0/12")
          .put("peers", new JsonArray().add(new JsonObject().put("name", self.getString("name"))
              .put("nickname", "light").put("owned", 1048576).put("free", self.getLong("free"))
              .put("reachable", true))));
      assertLight(List.of("lookup", "c1", "--http-addr", at), "10.32.0.1/12");
      assertLight(List.of("release", "c1", "--http-addr", at), "");
      assertLight(List.of("help", "status"), "--http-addr");
    }
    // No agent at all: the documented exit code 3 and its message, still without agent classes.
    Run none = run(List.of("status", "--http-addr", "127.0.0.1:" + AgentProcess.freePort()));
    assertThat(none.code).isEqualTo(3);
    assertThat(none.err).contains("no weft agent answers at http://127.0.0.1:");
    assertThat(heavy(none.classLog)).isEmpty();
  }

  private static Run assertLight(List<String> args, String expected) throws Exception {
    Run run = run(args);
    assertThat(run.code).as("weft %s: %s", args, run.err).isZero();
    assertThat(run.out).as("weft %s", args).contains(expected);
    assertThat(heavy(run.classLog)).as("classes weft %s loaded", args).isEmpty();
    assertThat(run.classLog).as("the class-load log of weft %s", args)
        .contains("picocli.CommandLine ");
    return run;
  }

  private static List<String> heavy(String classLog) {
    return classLog.lines().filter(line -> line.contains("[class,load]"))
        .map(line -> line.replaceFirst("^.*\\[class,load\\] ", ""))
        .filter(name -> HEAVY.stream().anyMatch(name::startsWith))
        .collect(Collectors.toList());
  }

  private record Run(int code, String out, String err, String classLog) {}

  /** The jar with the class-load log in a file of its own, so stdout stays the command's. */
  private static Run run(List<String> args) throws IOException, InterruptedException {
    Path log = java.nio.file.Files.createTempFile("weft-class-load", ".log");
    try {
      List<String> command = new ArrayList<>(List.of("java",
          "-Xlog:class+load=info:file=" + log, "-jar", AgentProcess.jar().toString()));
      command.addAll(args);
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      byte[] out = process.getInputStream().readAllBytes();
      byte[] err = process.getErrorStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("weft " + args + " did not finish");
      }
      return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8), java.nio.file.Files.readString(log));
    } finally {
      java.nio.file.Files.deleteIfExists(log);
    }
  }
}
