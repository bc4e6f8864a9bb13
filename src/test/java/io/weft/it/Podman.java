package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The podman command line on the private store that {@code .ci/systemd-base} fills: a local
 * Debian 12 image with systemd and a Java 17 runtime ({@code WEFT_TEST_SYSTEMD_BASE}), store
 * paths in {@code WEFT_TEST_PODMAN_ROOT} / {@code WEFT_TEST_PODMAN_RUNROOT}, engine settings in
 * {@code WEFT_TEST_PODMAN_CONF}. Each call waits with a generous bound and keeps its output.
 */
final class Podman {
  /** What one podman command printed and how it ended. */
  record Result(int exit, String out, String err) {
    /** Exit status and both streams, for assertion messages. */
    String describe() {
      return "exit " + exit + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  final String base;
  private final String root;
  private final String runroot;
  private final String conf;

  private Podman(String base, String root, String runroot, String conf) {
    this.base = base;
    this.root = root;
    this.runroot = runroot;
    this.conf = conf;
  }

  /**
   * The podman of this run, or null when no base image was made (developer machines); an
   * error when WEFT_REQUIRE_SYSTEMD says CI made one.
   */
  static Podman fromEnvironment() {
    String base = System.getenv("WEFT_TEST_SYSTEMD_BASE");
    if (base == null || base.isBlank()) {
      if (System.getenv("WEFT_REQUIRE_SYSTEMD") != null) {
        throw new AssertionError("WEFT_REQUIRE_SYSTEMD is set but WEFT_TEST_SYSTEMD_BASE is not:"
            + " source .ci/systemd-base first");
      }
      return null;
    }
    return new Podman(base, env("WEFT_TEST_PODMAN_ROOT"), env("WEFT_TEST_PODMAN_RUNROOT"),
        env("WEFT_TEST_PODMAN_CONF"));
  }

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new AssertionError("WEFT_TEST_SYSTEMD_BASE is set but " + name + " is not:"
          + " source .ci/systemd-base to set both");
    }
    return value;
  }

  /** Runs {@code podman ARGS} and returns how it ended, whatever the exit status. */
  Result run(Duration bound, String... args) {
    List<String> command = new ArrayList<>(List.of("podman", "--root", root, "--runroot", runroot));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("weft-podman", ".out");
      Path err = Files.createTempFile("weft-podman", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder(command)
            .redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("CONTAINERS_CONF", conf);
        Process process = builder.start();
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor();
          throw new AssertionError("podman " + String.join(" ", args) + " did not end within "
              + bound.toSeconds() + " s; stderr: " + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out).strip(),
            Files.readString(err).strip());
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run podman", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while podman ran", e);
    }
  }

  /** Runs {@code podman ARGS}, which must succeed; returns its standard output. */
  String ok(String... args) {
    Result result = run(Duration.ofMinutes(5), args);
    assertThat(result.exit()).as("podman %s\n%s", String.join(" ", args), result.describe())
        .isZero();
    return result.out();
  }

  /** Runs {@code sh -c SCRIPT} in a running container; returns how it ended. */
  Result sh(String container, String script) {
    return run(Duration.ofMinutes(3), "exec", container, "sh", "-c", script);
  }

  /** Runs {@code sh -c SCRIPT} in a running container, which must succeed; returns its output. */
  String shOk(String container, String script) {
    Result result = sh(container, script);
    assertThat(result.exit()).as("in %s: %s\n%s", container, script, result.describe()).isZero();
    return result.out();
  }

  /** Removes a container (running or not) left by this or an earlier run. */
  void removeContainer(String name) {
    run(Duration.ofMinutes(2), "rm", "--force", "--time", "10", name);
  }
}
