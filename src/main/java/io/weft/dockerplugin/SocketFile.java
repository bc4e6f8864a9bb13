package io.weft.dockerplugin;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The driver's socket file. Docker looks for it by name in a fixed directory, so a file left by
 * an agent that died is removed, but one that another process still serves is never taken over.
 * Blocking: call from a worker.
 */
final class SocketFile {
  private final Path path;
  /** Whether this agent made the file: only then may it remove it (never another's). */
  private boolean owned;

  SocketFile(Path path) {
    this.path = path;
  }

  void prepare() throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IOException("cannot create " + dir + " for the Docker plugin socket (" + e
          + "): run as root, or give --docker-plugin a writable path, or none", e);
    }
    if (!Files.exists(path)) {
      owned = true;
      return;
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(path));
      throw new IOException("another process serves " + path + ": stop it, or give this agent"
          + " another --docker-plugin path (the file name is the driver's name), or none");
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("another process")) {
        throw e;
      }
      Files.deleteIfExists(path); // nobody answers: left by an agent that is gone
      owned = true;
    }
  }

  void remove() throws IOException {
    if (owned) {
      Files.deleteIfExists(path);
    }
  }
}
