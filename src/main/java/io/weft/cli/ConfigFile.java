package io.weft.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The YAML file of {@code --config FILE}: keys are flag names without the dashes
 * ({@code ipalloc-range: 10.2.0.0/16}); {@code peers} is a list. It supplies defaults, so a
 * flag on the command line wins over the file.
 */
final class ConfigFile implements IDefaultValueProvider {
  static final String PEERS = "peers";

  private final Path path;
  private final Map<String, Object> values;

  private ConfigFile(Path path, Map<String, Object> values) {
    this.path = path;
    this.values = values;
  }

  /** Reads the file; a missing, unreadable or malformed file is a usage error (exit 2). */
  static ConfigFile read(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("--config: " + path + " does not exist or is not a file");
    }
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
      if (loaded == null) {
        return new ConfigFile(path, Map.of());
      }
      if (!(loaded instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException("--config: " + path
            + " must be a YAML mapping of flag names to values");
      }
      Map<String, Object> values = new LinkedHashMap<>();
      map.forEach((k, v) -> values.put(String.valueOf(k), v));
      return new ConfigFile(path, values);
    } catch (IOException e) {
      throw new IllegalArgumentException("--config: cannot read " + path + ": " + e.getMessage());
    } catch (RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw e;
      }
      throw new IllegalArgumentException("--config: " + path + " is not valid YAML: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
  }

  Path path() {
    return path;
  }

  /** Every key must name a flag of the command (or be {@code peers}). */
  void checkKeys(List<String> known) {
    for (String key : values.keySet()) {
      if (!known.contains(key)) {
        throw new IllegalArgumentException("--config: " + path + " has the unknown key '" + key
            + "'; known keys: " + String.join(", ", known));
      }
    }
  }

  List<String> peers() {
    Object value = values.get(PEERS);
    if (value == null) {
      return List.of();
    }
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).collect(Collectors.toList());
    }
    return List.of(String.valueOf(value).split("[,\\s]+"));
  }

  @Override
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option)) {
      return null;
    }
    Object value = values.get(option.longestName().replaceFirst("^--", ""));
    return value == null ? null : String.valueOf(value);
  }
}
