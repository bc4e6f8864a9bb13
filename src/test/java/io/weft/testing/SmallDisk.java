package io.weft.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small tmpfs for tests of a full disk (root only), and the means to fill it. */
public final class SmallDisk {
  private SmallDisk() {
  }

  /**
   * Mounts a tmpfs of {@code size} (say {@code 1m}) on the existing directory {@code dir}; the
   * test is skipped where that is not allowed (not root). Undo with {@code run("umount", dir)}.
   */
  public static void mount(Path dir, String size) throws IOException, InterruptedException {
    assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()) == 0,
        "mounting a tmpfs needs root");
  }

  /** Writes {@code file} until its file system has no space left. */
  public static void fill(Path file) {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < 1_000_000; i++) {
        out.write(block);
      }
      throw new AssertionError("wrote 64 GiB to " + file + " without filling its file system");
    } catch (IOException e) {
      assertThat(e.getMessage()).contains("No space left on device");
    }
  }

  /** Runs a command (mount, umount), its output discarded; returns its exit code. */
  public static int run(String... command) throws IOException, InterruptedException {
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
  }
}
