package io.weft.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot of the allocations: a part is read in place of the table while nothing in it
 * changed, and never once an allocation in it changed. To tell which one a start read, the tests
 * change an ident in the table behind the store's back (as only a hand editing the file could):
 * the snapshot still has the old one.
 */
class SnapshotTest {
  private static final long BASE = 167_772_160L; // 10.0.0.0

  @Test
  void theNextOpenReadsTheSnapshotWithEveryRowInOrderAcrossParts(@TempDir Path dir)
      throws Exception {
    int n = Snapshot.PART * 2 + 17; // three parts: two read here, one beside
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
    assertThat(lower).isSorted().hasSize(Snapshot.PART);
    assertThat(upper).isSorted().hasSize(n - Snapshot.PART);
    assertThat(lower.get(lower.size() - 1)).isLessThan(upper.get(0));
  }

  @Test
  void aChangeMakesOnlyItsOwnPartStale(@TempDir Path dir) throws Exception {
    int n = Snapshot.PART * 2 + 17; // three parts
    long inLast = BASE + n - 1;
    try (Store store = Store.open(dir)) {
      store.commit(rows(n));
      store.saveSnapshot();
      Batch ringOnly = new Batch();
      ringOnly.ring("{\"v\":2}");
      store.commit(ringOnly); // no allocation changed: every part current
    }
    changeBehindTheStoresBack(dir, BASE, "edited first");
    changeBehindTheStoresBack(dir, inLast, "edited last");
    try (Store store = Store.open(dir)) {
      List<Batch.Row> read = store.load().allocations();
      assertThat(read.get(0).ident()).isEqualTo("c0");
      assertThat(read.get(n - 1).ident()).isEqualTo("c" + (n - 1));
      Batch freeOne = new Batch(); // in the last part only
      freeOne.remove(new Batch.Row(inLast - 1, "c" + (n - 2), 12, false));
      store.commit(freeOne);
    }
    try (Store store = Store.open(dir)) {
      List<Batch.Row> read = store.load().allocations();
      assertThat(read).hasSize(n - 1);
      assertThat(read.get(0).ident()).isEqualTo("c0"); // its part: still the snapshot's
      assertThat(read.get(n - 2).ident()).isEqualTo("edited last"); // its part: the table's
    }
  }

  /**
   * A start after a crash makes room at once for the rows it is about to read: what each current
   * part holds, and what each stale part held with room for a few more, not the current parts'
   * rows alone, after which the reading arrays would double when a stale part is reached.
   */
  @Test
  void aStartAfterACrashExpectsTheStalePartsRowsToo(@TempDir Path dir) throws Exception {
    int n = Snapshot.PART * 2 + 17; // three parts: the first read here, two beside
    try (Store store = Store.open(dir)) {
      store.commit(rows(n));
      store.saveSnapshot();
      Batch churn = new Batch(); // one freed in the first part, 20 more in the last
      churn.remove(new Batch.Row(BASE + 5, "c5", 12, false));
      for (int i = 0; i < 20; i++) {
        churn.add(new Batch.Row(BASE + n + i, "new" + i, 12, true));
      }
      store.commit(churn);
    } // closed with no snapshot saved, as a crash leaves it
    long[] expected = new long[2];
    long[] read = new long[2];
    try (Store store = Store.open(dir)) {
      store.load(counting(0, expected, read), counting(1, expected, read));
    }
    assertThat(read).containsExactly(Snapshot.PART - 1, Snapshot.PART + 17 + 20);
    for (int half = 0; half < 2; half++) {
      assertThat(expected[half]).as("rows expected by half %d", half)
          .isGreaterThanOrEqualTo(read[half])
          .isLessThanOrEqualTo(read[half] + 2L * Snapshot.STALE_GROWTH);
    }
  }

  private static RowSink counting(int half, long[] expected, long[] read) {
    return new RowSink() {
      @Override
      public void row(long address, byte[] bytes, int start, int length, int prefix,
          boolean container) {
        read[half]++;
      }

      @Override
      public void expect(long rows) {
        expected[half] += rows;
      }
    };
  }

  @Test
  void theWriterPacksStalePartsAgainOneChunkAtATime(@TempDir Path dir) throws Exception {
    int n = Snapshot.PART * 2 + 5;
    try (Store store = Store.open(dir)) {
      store.commit(rows(n)); // no snapshot yet: everything is one stale part
      assertThat(store.snapshotStale()).isTrue();
      assertThat(store.refreshSnapshot()).isEqualTo(Snapshot.PART);
      assertThat(store.refreshSnapshot()).isEqualTo(Snapshot.PART);
      assertThat(store.refreshSnapshot()).isEqualTo(5);
      assertThat(store.snapshotStale()).isFalse();
      assertThat(store.refreshSnapshot()).isEqualTo(-1);
      Batch change = new Batch(); // stales the middle part; packed again below
      change.add(new Batch.Row(BASE + Snapshot.PART + 3, "changed", 12, true));
      store.commit(change);
      assertThat(store.snapshotStale()).isTrue();
      assertThat(store.refreshSnapshot()).isEqualTo(Snapshot.PART);
      assertThat(store.snapshotStale()).isFalse();
    }
    changeBehindTheStoresBack(dir, BASE + Snapshot.PART + 3, "edited");
    changeBehindTheStoresBack(dir, BASE + n - 1, "edited");
    try (Store store = Store.open(dir)) {
      List<Batch.Row> read = store.load().allocations();
      assertThat(read).hasSize(n);
      assertThat(read.get(Snapshot.PART + 3).ident()).isEqualTo("changed");
      assertThat(read.get(n - 1).ident()).isEqualTo("c" + (n - 1));
    }
  }

  /**
   * Random commits, refreshes, clean stops and crashes (a reopen without a snapshot saved) on
   * a table of three parts and more: every start must read exactly what was committed, so a
   * part the writer failed to make stale shows as a row that is missing, extra or outdated.
   */
  @Test
  void everyStartReadsWhatWasCommittedWhateverWasPackedWhen(@TempDir Path dir) {
    long seed = 0x5EED_18L;
    System.out.println("SnapshotTest seed " + seed);
    SplittableRandom random = new SplittableRandom(seed);
    int span = Snapshot.PART * 3;
    TreeMap<Long, Batch.Row> model = new TreeMap<>();
    Batch first = new Batch();
    for (int i = 0; i < span; i += 1 + (i % 5 == 0 ? 1 : 0)) {
      Batch.Row row = new Batch.Row(BASE + i, "r" + i, 12, true);
      first.add(row);
      model.put(row.address(), row);
    }
    Store store = Store.open(dir);
    try {
      store.commit(first);
      store.saveSnapshot();
      for (int step = 0; step < 40; step++) {
        int what = random.nextInt(10);
        if (what < 6) {
          Batch batch = new Batch();
          for (int k = random.nextInt(1, 30); k > 0; k--) {
            long address = BASE + random.nextInt(span + Snapshot.PART / 2);
            if (model.containsKey(address) && random.nextBoolean()) {
              batch.remove(model.remove(address));
            } else {
              Batch.Row row = new Batch.Row(address, "s" + step + "." + k, 12, false);
              batch.add(row);
              model.put(address, row);
            }
          }
          store.commit(batch);
        } else if (what < 8) {
          store.refreshSnapshot();
        } else {
          if (what == 8) {
            store.saveSnapshot();
          }
          store.close(); // with no snapshot saved first: as a crash leaves it
          store = Store.open(dir);
          assertThat(store.load().allocations()).as("step %d, seed %d", step, seed)
              .containsExactlyElementsOf(model.values());
        }
      }
    } finally {
      store.close();
    }
    try (Store reopened = Store.open(dir)) {
      assertThat(reopened.load().allocations()).containsExactlyElementsOf(model.values());
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
  void aPartThatDoesNotHoldWhatItSaysIsDroppedWithAClearError(@TempDir Path dir)
      throws Exception {
    try (Store store = Store.open(dir)) {
      store.commit(batchOf(new Batch.Row(BASE + 1, "a", 12, true)));
      store.saveSnapshot();
    }
    try (Connection c = connect(dir)) {
      c.createStatement().execute("UPDATE snapshot SET rows = 2");
    }
    try (Store store = Store.open(dir)) {
      assertThatThrownBy(store::load).isInstanceOf(StoreException.class)
          .hasMessageContaining("holds 1 rows where it says 2")
          .hasMessageContaining("start the agent again").hasMessageNotContaining("aside");
    }
    try (Store store = Store.open(dir)) {
      assertThat(idents(store)).containsExactly("a");
    }
  }

  /** A damaged part, here one whose first row is not after where the part begins. */
  @Test
  void aSnapshotThatCannotBeReadIsDroppedAndTheNextStartReadsTheTable(@TempDir Path dir)
      throws Exception {
    int n = Snapshot.PART * 2 + 5; // three parts: one read here, two beside
    try (Store store = Store.open(dir)) {
      Batch batch = new Batch();
      for (int i = 0; i < n; i++) {
        batch.add(new Batch.Row(BASE + i, "c" + i, 12, false));
      }
      store.commit(batch);
      store.saveSnapshot();
    }
    try (Connection c = connect(dir)) {
      c.createStatement().execute("UPDATE snapshot SET after = after + 1"
          + " WHERE after = (SELECT max(after) FROM snapshot)");
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

  /**
   * A store of schema version 3 holds a whole-table snapshot and its mark in {@code meta}. The
   * upgrade drops both (a weft of version 4 would never mark that copy stale), so the first start
   * reads the table itself, with every row, and a later clean stop packs the new parts.
   */
  @Test
  void anUpgradeFromTheWholeTableSnapshotReadsTheTableThenPacksParts(@TempDir Path dir)
      throws Exception {
    try (Connection c = connect(dir)) {
      try (var s = c.createStatement()) {
        for (int step = 0; step < 3; step++) {
          for (String statement : Migrations.STEPS.get(step).split(";")) {
            s.execute(statement);
          }
        }
        s.execute("PRAGMA user_version=3");
        s.execute("INSERT INTO allocations VALUES (" + (BASE + 1) + ", 'a', 12, 1)");
        s.execute("INSERT INTO allocations VALUES (" + (BASE + 2) + ", 'b', 12, 1)");
        // As version 3 left it after a clean stop, then an allocation by hand: the copy is stale.
        s.execute("INSERT INTO snapshot VALUES (0, -1, CAST('" + Long.toHexString((BASE + 1) << 8
            | 12 << 1 | 1) + " 1 a' AS BLOB))");
        s.execute("INSERT INTO meta VALUES ('allocations_snapshot', '1 " + (BASE + 1) + " "
            + (BASE + 1) + "')");
      }
    }
    try (Store store = Store.open(dir)) {
      assertThat(store.schemaVersion()).isEqualTo(4);
      assertThat(idents(store)).containsExactly("a", "b");
      assertThat(store.snapshotStale()).isTrue();
      assertThat(store.saveSnapshot()).isEqualTo(2);
    }
    changeBehindTheStoresBack(dir, BASE + 2, "edited");
    try (Store store = Store.open(dir)) {
      assertThat(idents(store)).containsExactly("a", "b"); // from the new parts
    }
    try (Connection c = connect(dir); var s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM meta WHERE key = 'allocations_snapshot'")) {
      assertThat(rs.getInt(1)).isZero();
    }
  }

  private static Batch rows(int n) {
    Batch batch = new Batch();
    for (int i = 0; i < n; i++) {
      batch.add(new Batch.Row(BASE + i, "c" + i, 12, false));
    }
    return batch;
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
