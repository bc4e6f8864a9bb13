package io.weft.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Docker Engine that {@code .ci/docker-engine} starts (its API socket exported as
 * {@code WEFT_TEST_DOCKERD_HOST}), driven through Debian's {@code docker} client as a user would.
 */
final class DockerCli {
  static final String IMAGE = "localhost/busybox";
  final String host;

  record Run(int exit, String output, String errors) {}

  private DockerCli(String host) {
    this.host = host;
  }

  /** The engine of this run, or null without one (fails when WEFT_REQUIRE_DOCKERD is set). */
  static DockerCli fromEnvironment() {
    String host = System.getenv("WEFT_TEST_DOCKERD_HOST");
    if (host == null || host.isBlank()) {
      if (System.getenv("WEFT_REQUIRE_DOCKERD") != null) {
        throw new AssertionError("WEFT_REQUIRE_DOCKERD is set but WEFT_TEST_DOCKERD_HOST is not"
            + " (source .ci/docker-engine)");
      }
      return null;
    }
    if (!Files.exists(Path.of(host.substring("unix://".length())))) {
      throw new AssertionError("WEFT_TEST_DOCKERD_HOST=" + host + " but there is no socket");
    }
    return new DockerCli(host);
  }

  /** The engine on this API socket ({@code unix://PATH}), e.g. one a test started itself. */
  static DockerCli at(String host) {
    return new DockerCli(host);
  }

  Run run(String... args) {
    List<String> command = new ArrayList<>(List.of("/usr/bin/docker", "-H", host));
    command.addAll(List.of(args));
    try {
      // Warnings go to stderr ("IPv4 forwarding is disabled"): results are read from stdout.
      Path errors = Files.createTempFile("docker-cli", ".err");
      Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("docker " + String.join(" ", args) + " did not end in 120 s");
      }
      String err = Files.readString(errors).strip();
      Files.delete(errors);
      return new Run(p.exitValue(), out, err);
    } catch (IOException e) {
      throw new AssertionError("cannot run docker: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs and expects exit 0; returns the output. */
  String ok(String... args) {
    Run r = run(args);
    if (r.exit() != 0) {
      throw new AssertionError("docker " + String.join(" ", args) + " exited " + r.exit() + ": "
          + r.output() + " " + r.errors());
    }
    return r.output();
  }

  /** The container's address on its only network. */
  String address(String container) {
    return ok("inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}",
        container);
  }

  String gateway(String network) {
    return ok("network", "inspect", "-f", "{{(index .IPAM.Config 0).Gateway}}", network);
  }
}
