package io.weft.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent's packages form layers: {@code agent} (start-up) on top, then {@code agent.http},
 * {@code agent.bridge} and {@code agent.consensus}, then {@code agent.ipam}, then
 * {@code agent.cluster}. A package may
 * import from the layers below it, never from one above.
 */
class LayeringTest {
  /** Each package and the agent packages it must not import. */
  static final Map<String, List<String>> FORBIDDEN = Map.of(
      "agent/cluster", List.of("io.weft.agent.ipam", "io.weft.agent.http", "io.weft.agent.bridge",
          "io.weft.agent.consensus"),
      "agent/ipam", List.of("io.weft.agent.http", "io.weft.agent.bridge", "io.weft.ui",
          "io.weft.agent.consensus"),
      "ui", List.of("io.weft.agent.http", "io.weft.agent.bridge"),
      "agent/consensus", List.of("io.weft.agent.http", "io.weft.agent.bridge", "io.weft.ui"),
      "agent/http", List.of("io.weft.agent.bridge"),
      "agent/bridge", List.of("io.weft.agent.http"),
      "docker", List.of("io.weft.agent"));

  @Test
  void noImportFromALayerAbove() throws IOException {
    List<String> offenders = new ArrayList<>();
    for (Map.Entry<String, List<String>> rule : FORBIDDEN.entrySet()) {
      Path dir = Path.of("src/main/java/io/weft", rule.getKey());
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
          for (String line : Files.readAllLines(file)) {
            boolean upward = line.matches("import (static )?io\\.weft\\.agent\\.[A-Z].*")
                || rule.getValue().stream().anyMatch(p -> line.matches(
                    "import (static )?" + p.replace(".", "\\.") + "\\..*"));
            if (upward) {
              offenders.add(file + ": " + line);
            }
          }
        }
      }
    }
    assertThat(offenders).isEmpty();
  }
}
