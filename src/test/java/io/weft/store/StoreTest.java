package io.weft.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {

  @Test
  void batchesCommitTogetherAndLoadBack(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      assertThat(store.load().ring()).isNull();
      Batch first = new Batch();
      first.add(new Batch.Row(10, "c1", 12, true));
      first.add(new Batch.Row(11, "c2", 12, false));
      first.ring("{\"v\":1}");
      store.commit(first);
      Batch second = new Batch();
      second.remove(new Batch.Row(10, "c1", 12, true));
      second.add(new Batch.Row(10, "c3", 24, true));
      second.ring("{\"v\":2}");
      second.paxos("{\"nodes\":[]}");
      store.commit(second);
    }
    try (Store again = Store.open(dir)) {
      Store.Loaded loaded = again.load();
      assertThat(loaded.ring()).isEqualTo("{\"v\":2}");
      assertThat(loaded.paxos()).isEqualTo("{\"nodes\":[]}");
      assertThat(loaded.allocations()).containsExactly(new Batch.Row(10, "c3", 24, true),
          new Batch.Row(11, "c2", 12, false));
    }
  }

  /**
   * A wide spread of addresses is read in two halves at once, the upper on a thread and
   * connection of its own: every row arrives exactly once, and each half in address order on one
   * thread.
   */
  @Test
  void manyRowsAreReadInTwoHalvesInAddressOrder(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      Batch batch = new Batch();
      for (long a = 0; a < 20_000; a++) {
        batch.add(new Batch.Row(167_772_160L + a * 3, "c" + a, 8, a % 2 == 0));
      }
      store.commit(batch);
      List<Long> lower = new ArrayList<>();
      List<Long> upper = new ArrayList<>();
      Set<Thread> lowerThreads = new HashSet<>();
      Set<Thread> upperThreads = new HashSet<>();
      store.load((address, bytes, start, length, prefix, container) -> {
        lower.add(address);
        lowerThreads.add(Thread.currentThread());
        assertThat(new String(bytes, start, length, StandardCharsets.UTF_8))
            .isEqualTo("c" + (address - 167_772_160L) / 3);
      }, (address, bytes, start, length, prefix, container) -> {
        upper.add(address);
        upperThreads.add(Thread.currentThread());
        assertThat(prefix).isEqualTo(8);
      });
      assertThat(lower).isSorted().isNotEmpty();
      assertThat(upper).isSorted().isNotEmpty();
      assertThat(lower.get(lower.size() - 1)).isLessThan(upper.get(0));
      assertThat(lower.size() + upper.size()).isEqualTo(20_000);
      assertThat(lowerThreads).containsExactly(Thread.currentThread());
      assertThat(upperThreads).hasSize(1).doesNotContain(Thread.currentThread());
      assertThat(store.load().allocations()).hasSize(20_000);
    }
  }

  @Test
  void aFileThatIsNotSqliteIsNeverReplaced(@TempDir Path dir) throws Exception {
    Path file = dir.resolve(Store.FILE_NAME);
    Files.writeString(file, "this is not a database, it is a text file of some length........");
    assertThatThrownBy(() -> Store.open(dir)).isInstanceOf(StoreException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("not a readable weft store");
    assertThat(Files.readString(file)).startsWith("this is not a database");
  }

  @Test
  void aNewerSchemaIsRefused(@TempDir Path dir) throws Exception {
    Store.open(dir).close();
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Store.FILE_NAME))) {
      c.createStatement().execute("PRAGMA user_version=99");
    }
    assertThatThrownBy(() -> Store.open(dir)).hasMessageContaining("schema version 99")
        .hasMessageContaining("newer than this weft understands");
  }

  @Test
  void setAsideRenamesAndKeepsTheFile(@TempDir Path dir) throws Exception {
    try (Store store = Store.open(dir)) {
      store.savePeerName("7a:00:00:00:00:01");
    }
    Path aside = Store.setAside(dir, "other-range", 1234);
    assertThat(aside.getFileName().toString()).isEqualTo("weft.db.other-range.1234");
    assertThat(Files.exists(aside)).isTrue();
    assertThat(Files.exists(dir.resolve(Store.FILE_NAME))).isFalse();
    try (Store fresh = Store.open(dir)) {
      assertThat(fresh.peerName()).isEmpty();
    }
  }
}
