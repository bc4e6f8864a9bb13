package io.weft.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An engine process of the test's own, which it may stop and start again (the engine-restart
 * test) or run beside the one CI started (a second Docker host): a dockerd as
 * {@code .ci/docker-engine} starts it (its own data root, exec root, socket and pidfile; no
 * iptables, no default bridge, vfs; busybox imported from that script's tarball), or a second
 * Podman API service on the store of {@code .ci/podman-service} (the service keeps no state of
 * its own, so two may share a store). Either needs the CI engine of its kind to have been set up.
 */
final class OwnEngine implements AutoCloseable {
  private static final Duration UP = Duration.ofSeconds(60);
  final Engine engine;
  final Path dir;
  private final List<String> command;
  /** The network namespace the engine runs in, or null for the machine's own. */
  private final String netns;
  private Process process;

  private OwnEngine(Engine.Kind kind, Path dir, List<String> command, String netns) {
    this.engine = new Engine(kind, "unix://" + dir.resolve("engine.sock"));
    this.dir = dir;
    this.netns = netns;
    List<String> full = new ArrayList<>();
    if (netns != null) {
      // nsenter, not "ip netns exec": that one remounts /sys, and dockerd then finds no cgroups.
      full.addAll(List.of("nsenter", "--net=/run/netns/" + netns));
    }
    full.addAll(command);
    this.command = full;
  }

  /**
   * Starts an engine of this kind, or gives null when CI set none up (the caller skips, as
   * {@link Engine#fromEnvironment(Engine.Kind)} decides: it fails when the engine is required).
   */
  static OwnEngine started(Engine.Kind kind) throws IOException {
    return started(kind, false);
  }

  /**
   * As {@link #started(Engine.Kind)}; with {@code ownNetwork} the engine runs in a network
   * namespace of its own (made here, deleted at close), as on another host: its bridges and
   * their routes are not the machine's. Its API socket is a file, reachable from here all the
   * same, and so are the plugin sockets it dials.
   */
  static OwnEngine started(Engine.Kind kind, boolean ownNetwork) throws IOException {
    if (Engine.fromEnvironment(kind) == null) {
      return null;
    }
    String netns = null;
    if (ownNetwork) {
      netns = "weft-it-" + Long.toHexString(System.nanoTime() & 0xffffff);
      run(List.of("ip", "netns", "add", netns));
      run(List.of("ip", "-n", netns, "link", "set", "lo", "up"));
    }
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "weft-own-" + kind.name()
        .toLowerCase(java.util.Locale.ROOT) + "-");
    String socket = "unix://" + dir.resolve("engine.sock");
    OwnEngine own = switch (kind) {
      case DOCKER -> new OwnEngine(kind, dir, List.of("/usr/sbin/dockerd",
          "--data-root", dir.resolve("docker").toString(),
          "--exec-root", dir.resolve("exec").toString(), "-H", socket,
          "--pidfile", dir.resolve("dockerd.pid").toString(), "--iptables=false",
          "--ip6tables=false", "--ip-masq=false", "--ip-forward=false", "--bridge=none",
          "--storage-driver=vfs", "--userland-proxy=false",
          "--exec-opt", "native.cgroupdriver=cgroupfs", "--default-ulimit",
          "nofile=16384:16384", "--default-ulimit", "nproc=16384:16384",
          // busybox's sleep as PID 1 ignores SIGTERM: do not wait 15 s for it at each stop.
          "--shutdown-timeout", "1"), netns);
      case PODMAN -> {
        Path store = Path.of(required("WEFT_PODMAN_DIR"));
        yield new OwnEngine(kind, dir, List.of("podman", "--root",
            store.resolve("storage").toString(), "--runroot", store.resolve("runroot").toString(),
            "system", "service", "--time=0", socket), netns);
      }
    };
    try {
      own.start();
      if (kind == Engine.Kind.DOCKER) {
        Path image = Path.of(required("WEFT_DOCKERD_DIR"), "busybox.tar");
        run(List.of("/usr/bin/docker", "-H", socket, "import", image.toString(),
            Engine.IMAGE + ":latest"));
      }
      return own;
    } catch (RuntimeException | Error e) {
      own.close();
      throw e;
    }
  }

  private static String required(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isBlank()) {
      throw new AssertionError(variable + " is not set: source the .ci script that starts the"
          + " engine, which exports it");
    }
    return value;
  }

  /** Starts the engine process and waits until its API answers. */
  void start() throws IOException {
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("engine.log").toFile()))
        .start();
    AgentProcess.await(UP, () -> {
      if (!process.isAlive()) {
        throw new AssertionError(command.get(0) + " exited " + process.exitValue() + ": "
            + log());
      }
      return engine.answers();
    }, engine + " answering on " + engine.uri);
  }

  /** Stops the engine as its service manager would (SIGTERM) and waits until it has exited. */
  void stop() throws InterruptedException {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(UP.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }

  String log() {
    try {
      return Files.readString(dir.resolve("engine.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static void run(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + command.get(0) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    run(List.of("rm", "-rf", dir.toString()));
    if (netns != null) {
      run(List.of("ip", "netns", "del", netns));
    }
  }
}
