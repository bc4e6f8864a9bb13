package io.weft.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeLibraryTest {
  @Test
  void theLibraryIsUnpackedOnceIntoTheDataDirectoryAndOlderVersionsGo(@TempDir Path dir)
      throws Exception {
    Path native_ = dir.resolve(NativeLibrary.DIRECTORY);
    Files.createDirectories(native_);
    Path old = native_.resolve(System.mapLibraryName("sqlitejdbc-3.0.0-amd64"));
    Files.writeString(old, "an older driver's library");

    String name = NativeLibrary.keep(dir);

    Path lib = native_.resolve(name);
    assertThat(name).startsWith("libsqlitejdbc-").contains(System.getProperty("os.arch"));
    assertThat(Files.size(lib)).isGreaterThan(100_000);
    assertThat(old).doesNotExist();
    try (Stream<Path> files = Files.list(native_)) {
      assertThat(files).containsExactly(lib);
    }

    FileTime written = FileTime.fromMillis(0);
    Files.setLastModifiedTime(lib, written);
    assertThat(NativeLibrary.keep(dir)).isEqualTo(name);
    assertThat(Files.getLastModifiedTime(lib)).isEqualTo(written);
  }

  @Test
  void aDataDirectoryThatCannotHoldItLeavesTheLibraryToTheDriver(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve(NativeLibrary.DIRECTORY), "a file where the directory goes");

    assertThat(NativeLibrary.keep(dir)).isNull();
  }
}
