package io.weft.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The core is pure: no Vert.x, no I/O, no clock, no threads and no
 * randomness of its own in these packages. This is what keeps the simulator deterministic.
 */
class PureCoreTest {
  static final Pattern FORBIDDEN = Pattern.compile(
      "import io\\.vertx|import java\\.sql|import java\\.io|import java\\.nio\\.file|import java\\.net"
          + "|System\\.currentTimeMillis|System\\.nanoTime|Instant\\.now|new Random\\(|new Thread"
          + "|ThreadLocalRandom|Math\\.random|synchronized|import java\\.util\\.concurrent");

  @ParameterizedTest
  @ValueSource(strings = {"net", "ring", "space", "paxos", "ipam"})
  void corePackagesImportNoEffects(String pkg) throws IOException {
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/weft", pkg))) {
      for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          if (FORBIDDEN.matcher(lines.get(i)).find()) {
            offenders.add(file + ":" + (i + 1) + ": " + lines.get(i).strip());
          }
        }
      }
    }
    assertThat(offenders).isEmpty();
  }
}
