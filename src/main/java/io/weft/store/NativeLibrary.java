package io.weft.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * SQLite's native library, kept in the data directory and loaded from there. Left to itself the
 * driver copies its 1 MiB library out of the jar into the temporary directory on every start
 * under a new name, compares digests and runs {@code uname}, which is a tenth of a second or
 * more of each start; and the copy stays behind whenever the process is killed, so a peer in a
 * restart loop fills {@code /tmp} (a test machine here had 1,875 of them, 2 GB). Here the
 * library is unpacked once per driver version, atomically, and the driver is told where it is.
 * Anything that goes wrong leaves the driver to do as it always did; a library that does not
 * load from there (a file system mounted noexec) makes the driver fall back to its own copy.
 */
final class NativeLibrary {
  private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);
  static final String DIRECTORY = "native";
  private static final String PATH_PROPERTY = "org.sqlite.lib.path";
  private static final String NAME_PROPERTY = "org.sqlite.lib.name";
  private static final String PREFIX = "sqlitejdbc-";

  private NativeLibrary() {}

  /**
   * Points the driver at the library under {@code dataDir}, unpacking it first if needed. Does
   * nothing when a library path is already set (by the operator, or an earlier store in this
   * process: the library loads once per process).
   */
  static void prepare(Path dataDir) {
    if (System.getProperty(PATH_PROPERTY) != null) {
      return;
    }
    String name = keep(dataDir);
    if (name != null) {
      System.setProperty(PATH_PROPERTY, dataDir.resolve(DIRECTORY).toString());
      System.setProperty(NAME_PROPERTY, name);
    }
  }

  /**
   * The library's file name in {@code dataDir/native}, unpacked there unless it already is; null
   * when it cannot be kept there.
   */
  static String keep(Path dataDir) {
    Path directory = dataDir.resolve(DIRECTORY);
    String name = System.mapLibraryName(PREFIX + SQLiteJDBCLoader.getVersion() + "-"
        + System.getProperty("os.arch"));
    try {
      if (!Files.isRegularFile(directory.resolve(name))) {
        unpack(directory, name);
      }
      return name;
    } catch (IOException | RuntimeException e) {
      LOG.debug("SQLite's native library is left to the driver (unpacked into the temporary"
          + " directory at each start): cannot keep it in {}: {}", directory, e.toString());
      return null;
    }
  }

  /** Copies the driver's library for this platform to {@code directory/name}, atomically. */
  private static void unpack(Path directory, String name) throws IOException {
    String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/"
        + LibraryLoaderUtil.getNativeLibName();
    try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("the driver has no library " + resource + " for this platform");
      }
      Files.createDirectories(directory);
      Path part = Files.createTempFile(directory, name, ".part");
      try {
        Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
        Files.move(part, directory.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(part);
      }
    }
    // Libraries of earlier driver versions are not needed any more.
    try (DirectoryStream<Path> old = Files.newDirectoryStream(directory,
        System.mapLibraryName(PREFIX + "*"))) {
      for (Path p : old) {
        if (!p.getFileName().toString().equals(name)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
