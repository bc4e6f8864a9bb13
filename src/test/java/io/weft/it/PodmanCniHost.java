package io.weft.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One "host" for the end-to-end CNI test: a Podman with its own storage, runroot and
 * containers.conf selecting the CNI network backend, whose network {@code weftnet} is the
 * standard bridge plugin with {@code weft-ipam} pointing at one agent.
 */
final class PodmanCniHost implements AutoCloseable {
  static final String NETWORK = "weftnet";
  private static final Pattern INET = Pattern.compile("inet (\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+)");

  final String bridge;
  private final Path dir;

  PodmanCniHost(Path dir, String bridge, String agentHttpAddr, String pluginDir,
      Path busyboxTar) throws IOException, InterruptedException {
    this.dir = dir;
    this.bridge = bridge;
    Files.createDirectories(dir.resolve("net.d"));
    Files.writeString(dir.resolve("containers.conf"), String.join("\n",
        "[containers]",
        "default_ulimits = [\"nofile=16384:16384\", \"nproc=16384:16384\"]",
        "[engine]",
        "runtime = \"runc\"",
        "cgroup_manager = \"cgroupfs\"",
        "events_logger = \"file\"",
        "tmp_dir = \"" + dir.resolve("libpodtmp") + "\"",
        "[network]",
        "network_backend = \"cni\"",
        "cni_plugin_dirs = [\"" + pluginDir + "\", \"" + CniPlugin.executable().getParent()
            + "\"]",
        "network_config_dir = \"" + dir.resolve("net.d") + "\"", ""));
    Files.writeString(dir.resolve("net.d").resolve(NETWORK + ".conflist"), "{\"cniVersion\":"
        + "\"1.0.0\",\"name\":\"" + NETWORK + "\",\"plugins\":[{\"type\":\"bridge\",\"bridge\":\""
        + bridge + "\",\"isGateway\":true,\"ipMasq\":false,\"hairpinMode\":true,\"ipam\":{"
        + "\"type\":\"weft-ipam\",\"agent\":\"" + agentHttpAddr + "\"}}]}\n");
    podman("import", "-q", busyboxTar.toString(), "localhost/busybox:latest");
  }

  /** Runs podman with this host's storage and config; fails with its output unless it exits 0. */
  String podman(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("podman", "--root",
        dir.resolve("storage").toString(), "--runroot", dir.resolve("runroot").toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CONTAINERS_CONF", dir.resolve("containers.conf").toString());
    Process process = builder.start();
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(180, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("podman " + String.join(" ", args) + " did not finish:\n" + out);
    }
    if (process.exitValue() != 0) {
      throw new AssertionError("podman " + String.join(" ", args) + " exited "
          + process.exitValue() + ":\n" + out);
    }
    return out;
  }

  /** Starts a container on {@code weftnet}; its full ID. */
  String startContainer(String name) throws IOException, InterruptedException {
    String out = podman("run", "-d", "--name", name, "--network", NETWORK,
        "localhost/busybox", "sleep", "600").strip();
    return out.substring(out.lastIndexOf('\n') + 1).strip();
  }

  /** The IPv4 address {@code ip -4 addr} shows on the container's eth0. */
  String addressOf(String name) throws IOException, InterruptedException {
    return inet(podman("exec", name, "ip", "-4", "addr", "show", "eth0"));
  }

  static String inet(String ipOutput) {
    Matcher m = INET.matcher(ipOutput);
    if (!m.find()) {
      throw new AssertionError("no IPv4 address in:\n" + ipOutput);
    }
    return m.group(1);
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      podman("rm", "-a", "-f", "-t", "0");
      podman("rmi", "-a", "-f");
    } catch (AssertionError e) {
      System.err.println("cleaning up Podman in " + dir + ": " + e.getMessage());
    }
    new ProcessBuilder("ip", "link", "del", bridge).start().waitFor(30, TimeUnit.SECONDS);
  }
}
