package io.weft.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import static io.weft.testing.SmallDisk.fill;
import static io.weft.testing.SmallDisk.run;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * A full disk, as SQLite reports it: told apart from other failures, and a transaction it stops
 * leaves nothing behind, so that the same batch can be written again once there is space.
 */
class StoreDiskFullTest {

  @Test
  void aFullDiskIsToldApartFromOtherFailures() {
    SQLiteException full = new SQLiteException("[SQLITE_FULL] Insertion failed because database"
        + " is full (database or disk is full)", SQLiteErrorCode.SQLITE_FULL);
    assertThat(DiskFull.is(full)).isTrue();
    assertThat(DiskFull.is(new StoreException("cannot write to /d/weft.db: " + full.getMessage(),
        full))).isTrue();
    assertThat(DiskFull.is(new IOException("No space left on device"))).isTrue();
    assertThat(DiskFull.is(new RuntimeException("wrapped", new SQLException("disk is full"))))
        .isTrue();
    assertThat(DiskFull.is(new SQLiteException("[SQLITE_IOERR] disk I/O error",
        SQLiteErrorCode.SQLITE_IOERR))).isFalse();
    assertThat(DiskFull.is(new SQLiteException("[SQLITE_CORRUPT] database disk image is"
        + " malformed", SQLiteErrorCode.SQLITE_CORRUPT))).isFalse();
    assertThat(DiskFull.is(null)).isFalse();
  }

  /**
   * On a real full file system (a 1 MiB tmpfs, so root only): SQLite rolls the transaction back
   * by itself, and the ROLLBACK and COMMIT that follow fail with "no transaction is active". The
   * store must still report the full disk, not those, and write the batch once space is back.
   */
  @Test
  void aTransactionStoppedByAFullDiskIsWrittenWholeOnceThereIsSpace(@TempDir Path dir)
      throws Exception {
    Path small = Files.createDirectories(dir.resolve("small"));
    io.weft.testing.SmallDisk.mount(small, "1m");
    try (Store store = Store.open(small)) {
      Batch first = new Batch();
      first.add(new Batch.Row(1, "before", 24, false));
      store.commit(first);
      Path filler = small.resolve("filler");
      fill(filler);
      Batch big = new Batch();
      for (int i = 0; i < 2000; i++) {
        big.add(new Batch.Row(100 + i, "ident-" + "x".repeat(100) + i, 24, true));
      }
      big.ring("{\"v\":1}");
      big.seal();
      StoreException full = catchThrowableOfType(StoreException.class, () -> store.commit(big));
      assertThat(full).as("the commit on a full disk fails").isNotNull();
      assertThat(DiskFull.is(full)).as(full.toString()).isTrue();
      assertThat(full.getMessage()).contains(small.resolve(Store.FILE_NAME).toString())
          .contains("database or disk is full");
      assertThat(store.load().allocations()).extracting(Batch.Row::ident)
          .containsExactly("before");

      Files.delete(filler);
      store.commit(big);
      Store.Loaded loaded = store.load();
      assertThat(loaded.allocations()).hasSize(2001);
      assertThat(loaded.ring()).isEqualTo("{\"v\":1}");
    } finally {
      run("umount", small.toString());
    }
  }


}
