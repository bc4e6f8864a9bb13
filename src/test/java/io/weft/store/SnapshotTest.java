package io.weft.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot a clean stop leaves: read in place of the table while nothing changed, and never
 * once an allocation changed. To tell which one a start read, the tests change an ident in the
 * table behind the store's back (as only a hand editing the file could): the snapshot still has
 * the old one.
 */
class SnapshotTest {
  private static final long BASE = 167_772_160L; // 10.0.0.0

  @Test
  void theNextOpenReadsTheSnapshotWithEveryRowInOrderAcrossParts(@TempDir Path dir)
      throws Exception {
    int n = AllocationRows.CHUNK * 2 + 17; // three parts: two read here, one beside
    List<Batch.Row> written = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      written.add(new Batch.Row(BASE + i * 3L, "c" + i + (i % 7 == 0 ? " é 🧵" : ""), 12,
          i % 2 == 0));
    }
    try (Store store = Store.open(dir)) {
      Batch batch = new Batch();
      written.forEach(batch::add);
      store.commit(batch);
      assertThat(store.saveSnapshot()).isEqualTo(n);
    }
    changeBehindTheStoresBack(dir, BASE, "edited");
    List<Long> lower = new ArrayList<>();
    List<Long> upper = new ArrayList<>();
    try (Store store = Store.open(dir)) {
      List<Batch.Row> read = store.load().allocations();
      assertThat(read).containsExactlyElementsOf(written); // "c0 é 🧵", not "edited"
      store.load((address, bytes, start, length, prefix, container) -> lower.add(address),
          (address, bytes, start, length, prefix, container) -> upper.add(address));
    }
    assertThat(lower).isSorted().hasSize(AllocationRows.CHUNK);
    assertThat(upper).isSorted().hasSize(n - AllocationRows.CHUNK);
    assertThat(lower.get(lower.size() - 1)).isLessThan(upper.get(0));
  }

  @Test
  void theFirstChangeToAnAllocationRetiresTheSnapshot(@TempDir Path dir) throws Exception {
    try (Store store = Store.open(dir)) {
      store.commit(batchOf(new Batch.Row(BASE + 1, "a", 12, true),
          new Batch.Row(BASE + 2, "b", 12, true), new Batch.Row(BASE + 3, "c", 12, true)));
      store.saveSnapshot();
      Batch ringOnly = new Batch();
      ringOnly.ring("{\"v\":2}");
      store.commit(ringOnly); // no allocation changed: still valid
    }
    changeBehindTheStoresBack(dir, BASE + 1, "edited");
    try (Store store = Store.open(dir)) {
      assertThat(idents(store)).containsExactly("a", "b", "c");
      Batch freeB = new Batch(); // the table's ends stay where the snapshot's mark has them
      freeB.remove(new Batch.Row(BASE + 2, "b", 12, true));
      store.commit(freeB);
    }
    try (Store store = Store.open(dir)) {
      assertThat(idents(store)).containsExactly("edited", "c"); // the table itself
    }
  }

  /**
   * A transaction that failed after removing the mark, on an SQL error or on a RuntimeException,
   * left it in place (rolled back): the next change must remove it again, or a later start would
   * read a snapshot that misses that change.
   */
  @Test
  void aChangeThatFailedDoesNotCountAsHavingRetiredTheSnapshot(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      store.commit(batchOf(new Batch.Row(BASE + 1, "a", 12, true),
          new Batch.Row(BASE + 5, "e", 12, true)));
      store.saveSnapshot();
      Batch failing = batchOf(new Batch.Row(BASE + 2, "b", 12, true),
          new Batch.Row(BASE + 3, null, 12, true)); // NOT NULL: the transaction rolls back
      assertThatThrownBy(() -> store.commit(failing)).isInstanceOf(StoreException.class);
      Batch broken = new Batch(); // stops on a RuntimeException after removing the mark
      broken.add(new Batch.Row(BASE + 2, "b", 12, true));
      broken.add(null);
      assertThatThrownBy(() -> store.commit(broken)).isInstanceOf(NullPointerException.class);
      store.commit(batchOf(new Batch.Row(BASE + 4, "d", 12, true)));
    }
    try (Store store = Store.open(dir)) {
      assertThat(idents(store)).containsExactly("a", "d", "e");
    }
  }

  @Test
  void aTableWhoseEndsMovedIsReadItself(@TempDir Path dir) throws Exception {
    try (Store store = Store.open(dir)) {
      store.commit(batchOf(new Batch.Row(BASE + 1, "a", 12, true)));
      store.saveSnapshot();
    }
    try (Connection c = connect(dir)) {
      c.createStatement().execute("INSERT INTO allocations VALUES (" + (BASE + 9)
          + ", 'added by hand', 12, 0)");
    }
    try (Store store = Store.open(dir)) {
      assertThat(idents(store)).containsExactly("a", "added by hand");
    }
  }

  @Test
  void aSnapshotThatDoesNotHoldWhatItsMarkSaysIsDroppedWithAClearError(@TempDir Path dir)
      throws Exception {
    try (Store store = Store.open(dir)) {
      store.commit(batchOf(new Batch.Row(BASE + 1, "a", 12, true)));
      store.saveSnapshot();
    }
    try (Connection c = connect(dir)) {
      c.createStatement().execute("UPDATE meta SET value = '2 " + (BASE + 1) + " " + (BASE + 1)
          + "' WHERE key = '" + Snapshot.MARK_KEY + "'");
    }
    try (Store store = Store.open(dir)) {
      assertThatThrownBy(store::load).isInstanceOf(StoreException.class)
          .hasMessageContaining("holds 1 rows where its mark says 2")
          .hasMessageContaining("start the agent again").hasMessageNotContaining("aside");
    }
    try (Store store = Store.open(dir)) {
      assertThat(idents(store)).containsExactly("a");
    }
  }

  /** A damaged part, here one that does not begin where the part before ended. */
  @Test
  void aSnapshotThatCannotBeReadIsDroppedAndTheNextStartReadsTheTable(@TempDir Path dir)
      throws Exception {
    int n = AllocationRows.CHUNK * 2 + 5; // three parts: one read here, two beside
    try (Store store = Store.open(dir)) {
      Batch batch = new Batch();
      for (int i = 0; i < n; i++) {
        batch.add(new Batch.Row(BASE + i, "c" + i, 12, false));
      }
      store.commit(batch);
      store.saveSnapshot();
    }
    try (Connection c = connect(dir)) {
      c.createStatement().execute("UPDATE snapshot SET after = after - 1 WHERE part = 2");
    }
    try (Store store = Store.open(dir)) {
      assertThatThrownBy(() -> store.load(
          (address, bytes, start, length, prefix, container) -> { }, (address, bytes, start, length, prefix, container) -> { }))
          .isInstanceOf(StoreException.class).hasMessageContaining("cannot be read")
          .hasMessageContaining("start the agent again");
    }
    try (Store store = Store.open(dir)) {
      assertThat(store.load().allocations()).hasSize(n);
    }
  }

  @Test
  void anEmptyTableHasAnEmptySnapshot(@TempDir Path dir) {
    try (Store store = Store.open(dir)) {
      assertThat(store.saveSnapshot()).isZero();
    }
    try (Store store = Store.open(dir)) {
      assertThat(store.load().allocations()).isEmpty();
      store.commit(batchOf(new Batch.Row(BASE, "first", 12, false)));
    }
    try (Store store = Store.open(dir)) {
      assertThat(idents(store)).containsExactly("first");
    }
  }

  private static Batch batchOf(Batch.Row... rows) {
    Batch batch = new Batch();
    for (Batch.Row row : rows) {
      batch.add(row);
    }
    return batch;
  }

  private static List<String> idents(Store store) {
    return store.load().allocations().stream().map(Batch.Row::ident).toList();
  }

  private static Connection connect(Path dir) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(Store.FILE_NAME));
  }

  private static void changeBehindTheStoresBack(Path dir, long address, String ident)
      throws SQLException {
    try (Connection c = connect(dir)) {
      var s = c.prepareStatement("UPDATE allocations SET ident = ? WHERE address = ?");
      s.setString(1, ident);
      s.setLong(2, address);
      assertThat(s.executeUpdate()).isOne();
    }
  }
}
