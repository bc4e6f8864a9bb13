package io.weft.metrics;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own programs ({@code promtool}, {@code prometheus}) for tests. Tests that need them
 * skip where they are not installed, and fail instead when WEFT_REQUIRE_PROMETHEUS=1 says CI
 * provides them (Debian's {@code prometheus} package).
 */
public final class PrometheusTools {
  /** What a program printed (stdout and stderr together) and its exit code. */
  public record Result(int code, String output) {}

  private PrometheusTools() {}

  /** The program's path; skips the test, or fails it when Prometheus is required. */
  public static Path require(String program) {
    Optional<Path> found = find(program);
    if (found.isEmpty()) {
      String why = program + " is not on the PATH: install Debian's prometheus package"
          + " (apt-get install prometheus)";
      if ("1".equals(System.getenv("WEFT_REQUIRE_PROMETHEUS"))) {
        fail(why + "; WEFT_REQUIRE_PROMETHEUS=1 says it must be there");
      }
      assumeTrue(false, why);
    }
    return found.get();
  }

  static Optional<Path> find(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Runs {@code command} with {@code stdin} (null: none) as its input, up to 60 s. */
  public static Result run(byte[] stdin, String... command) throws IOException,
      InterruptedException {
    Process process = new ProcessBuilder(new ArrayList<>(List.of(command)))
        .redirectErrorStream(true).start();
    try (var in = process.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin);
      }
    }
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
    }
    return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
