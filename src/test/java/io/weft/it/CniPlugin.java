package io.weft.it;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built {@code target/cni/weft-ipam} as a container runtime does: a fresh environment
 * holding only the {@code CNI_*} variables (and PATH), the network config on stdin.
 */
final class CniPlugin {
  record Run(int exit, String stdout, String stderr) {
    JsonObject json() {
      return new JsonObject(stdout.strip());
    }

    /** The error code of a failed call (asserting it printed the specification's error). */
    int code() {
      if (exit == 0) {
        throw new AssertionError("the plugin succeeded: " + stdout);
      }
      return json().getInteger("code");
    }
  }

  private CniPlugin() {}

  static Path executable() {
    return AgentProcess.jar().resolveSibling("cni").resolve("weft-ipam");
  }

  /** {@code CNI_COMMAND=command} with container ID, interface and config; extra env wins. */
  static Run run(String command, String containerId, String config, String... extraEnv)
      throws IOException, InterruptedException {
    Map<String, String> env = new HashMap<>();
    env.put("CNI_COMMAND", command);
    if (containerId != null) {
      env.put("CNI_CONTAINERID", containerId);
      env.put("CNI_IFNAME", "eth0");
      env.put("CNI_NETNS", "/run/netns/weft-it-" + containerId);
    }
    env.put("CNI_PATH", executable().getParent().toString());
    for (int i = 0; i + 1 < extraEnv.length; i += 2) {
      env.put(extraEnv[i], extraEnv[i + 1]);
    }
    return exec(env, config);
  }

  static Run exec(Map<String, String> env, String config) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(executable().toString());
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    builder.environment().putAll(env);
    Process process = builder.start();
    try (OutputStream in = process.getOutputStream()) {
      in.write(config.getBytes(StandardCharsets.UTF_8));
    }
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("weft-ipam " + env.get("CNI_COMMAND") + " did not finish");
    }
    return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8),
        new String(err, StandardCharsets.UTF_8));
  }

  /** A network config in {@code version} naming {@code network}, with these ipam keys added. */
  static String config(String version, String network, String agentHttpAddr, String ipamKeys) {
    return "{\"cniVersion\":\"" + version + "\",\"name\":\"" + network + "\",\"type\":\"bridge\","
        + "\"bridge\":\"cni-weft0\",\"ipam\":{\"type\":\"weft-ipam\",\"agent\":\"" + agentHttpAddr
        + "\"" + (ipamKeys.isEmpty() ? "" : "," + ipamKeys) + "}}";
  }
}
