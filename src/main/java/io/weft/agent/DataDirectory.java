package io.weft.agent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The agent's data directory, held with an exclusive lock on {@code weft.lock} for as long as
 * the agent runs, so that two agents never share one store. The lock dies with the process,
 * even on kill -9.
 */
public final class DataDirectory implements AutoCloseable {
  static final String LOCK_FILE = "weft.lock";

  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirectory(Path path, FileChannel channel, FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  /** Creates the directory if missing and takes its lock, or fails saying who holds it. */
  public static DataDirectory acquire(Path path) throws AgentStartException {
    try {
      Files.createDirectories(path);
    } catch (IOException e) {
      throw new AgentStartException("cannot create the data directory " + path + ": " + e
          + ". Choose another with --data-dir");
    }
    Path lockFile = path.resolve(LOCK_FILE);
    FileChannel channel = null;
    try {
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      if (lock == null) {
        String holder = Files.readString(lockFile, StandardCharsets.UTF_8).trim();
        channel.close();
        throw new AgentStartException("the data directory " + path
            + " is in use by another weft agent" + (holder.isEmpty() ? "" : " (pid " + holder + ")")
            + ": stop that agent, or give this one its own --data-dir");
      }
      channel.truncate(0);
      channel.write(java.nio.ByteBuffer.wrap(
          Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
      channel.force(true);
      return new DataDirectory(path, channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new AgentStartException("cannot lock the data directory " + path + " (" + lockFile
          + "): " + e.getMessage());
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException heldInThisJvm) {
      return null;
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Nothing more to release.
      }
    }
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // The lock goes with the channel anyway.
    }
    closeQuietly(channel);
  }
}
