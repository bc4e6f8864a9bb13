package io.weft.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The agent's SQLite file, {@code weft.db} in the data directory (WAL, synchronous=FULL).
 *
 * <p>Calls block on disk I/O: run them on a worker, never on an event loop. Not thread-safe;
 * one writer owns the store. A file that cannot be read as a weft store stops the agent with a
 * {@link StoreException} naming it: it is never silently replaced.
 */
public final class Store implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Store.class);
  public static final String FILE_NAME = "weft.db";
  private static final String PEER_NAME = "peer_name";
  private static final String RESET = "reset";
  private static final String UNIVERSE = "universe";

  private final Path file;
  private final Connection connection;
  private final BatchWriter writer;
  /** The parts of the allocations' snapshot in the file ({@link Snapshot}), as they are now. */
  private Snapshot.Parts parts;

  private Store(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
    this.writer = new BatchWriter(connection, () -> parts, () -> putMeta(RESET, "true"));
  }

  /** Opens or creates the store in {@code dataDir}, bringing its schema up to date. */
  public static Store open(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    boolean existed = Files.exists(file);
    NativeLibrary.prepare(dataDir);
    Connection connection;
    try {
      connection = connect(file);
    } catch (SQLException e) {
      throw new StoreException("cannot open the store " + file + ": " + e.getMessage(), e);
    }
    Store store = new Store(file, connection);
    try {
      store.configure();
      store.migrate();
      store.parts = Snapshot.Parts.read(connection);
      return store;
    } catch (SQLException e) {
      store.close();
      String what = existed ? "is not a readable weft store (damaged, or not SQLite)"
          : "could not be created";
      throw new StoreException("the store " + file + " " + what + ": " + e.getMessage()
          + ". Move it aside to start with empty state, or restore it from a backup", e);
    }
  }

  /**
   * A connection to {@code file}. The driver's default asks SQLite for the row id after every
   * insert, with a statement it prepares each time, in case the caller wants generated keys:
   * weft never does, and that was a third of the writer's time per committed allocation.
   */
  static Connection connect(Path file) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty(SQLiteConfig.Pragma.JDBC_GET_GENERATED_KEYS.pragmaName, "false");
    return DriverManager.getConnection("jdbc:sqlite:" + file, properties);
  }

  public Path file() {
    return file;
  }

  private void configure() throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=FULL");
      s.execute("PRAGMA busy_timeout=5000");
      // Reads the header: a file that is not SQLite fails here rather than later.
      s.executeQuery("SELECT count(*) FROM sqlite_master").close();
    }
  }

  private void migrate() throws SQLException {
    int version = schemaVersion();
    if (version > Migrations.latest()) {
      throw new StoreException("the store " + file + " has schema version " + version
          + ", newer than this weft understands (" + Migrations.latest()
          + "): run a newer weft, or move the file aside to start with empty state");
    }
    if (version == Migrations.latest()) {
      return;
    }
    inTransaction(() -> {
      try (Statement s = connection.createStatement()) {
        for (int step = version; step < Migrations.latest(); step++) {
          for (String statement : Migrations.STEPS.get(step).split(";")) {
            s.execute(statement);
          }
        }
        s.execute("PRAGMA user_version=" + Migrations.latest());
      }
    });
  }

  private interface SqlWork {
    void run() throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction: all of it is committed, or none of it, and the
   * connection is left with no transaction open, so that the same work can simply be tried
   * again (after a full disk). The failure thrown is the one that stopped the work.
   */
  private void inTransaction(SqlWork work) throws SQLException {
    connection.setAutoCommit(false);
    try {
      work.run();
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      // Also on a RuntimeException: an open transaction would let the next statement commit
      // half of it. SQLITE_FULL and I/O errors may already have rolled it back; ROLLBACK then
      // fails ("no transaction is active"), and so does the COMMIT with which sqlite-jdbc leaves
      // a transaction when auto-commit is set again. Neither may hide why the work failed.
      try {
        connection.rollback();
      } catch (SQLException again) {
        e.addSuppressed(again);
      }
      try {
        connection.setAutoCommit(true);
      } catch (SQLException again) {
        e.addSuppressed(again);
      }
      throw e;
    }
    connection.setAutoCommit(true);
  }

  public int schemaVersion() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      return rs.getInt(1);
    }
  }

  public Optional<String> peerName() {
    return meta(PEER_NAME);
  }

  public void savePeerName(String name) {
    putMeta(PEER_NAME, name);
  }

  /** Whether this peer was reset (a {@link Batch#markReset} was committed). */
  public boolean wasReset() {
    return meta(RESET).isPresent();
  }

  public Optional<String> universe() {
    return meta(UNIVERSE);
  }

  public void saveUniverse(String cidr) {
    putMeta(UNIVERSE, cidr);
  }

  /** What a restart needs: the ring and Paxos state as saved (null if none) and every row. */
  public record Loaded(String ring, String paxos, List<Batch.Row> allocations) {}

  /** The ring and Paxos state as saved (null if none). */
  public record Saved(String ring, String paxos) {}

  /** Everything at once, as rows (tests, tools); a restart uses the two-sink load below. */
  public Loaded load() {
    List<Batch.Row> lower = new ArrayList<>();
    List<Batch.Row> upper = new ArrayList<>();
    Saved saved = load(into(lower), into(upper));
    lower.addAll(upper);
    return new Loaded(saved.ring(), saved.paxos(), lower);
  }

  private static RowSink into(List<Batch.Row> rows) {
    return (address, bytes, start, length, prefix, container) -> rows.add(new Batch.Row(address,
        new String(bytes, start, length, StandardCharsets.UTF_8), prefix, container));
  }

  /**
   * The ring, the Paxos state and every allocation, handed to the sinks as they are read (no
   * list of row objects in between): the lower half of the addresses in use, in address order,
   * to {@code lower} on this thread, and at the same time the upper half to {@code upper} on a
   * thread and a second connection of its own (WAL lets both read), so that a restart with a
   * million allocations reads on both cores. Each sink is called from one thread only.
   * The rows come from the snapshot of the table's chunks ({@link Snapshot}) where it is
   * current, and from SQLite in chunks of many at once ({@link AllocationRows}) elsewhere.
   */
  public Saved load(RowSink lower, RowSink upper) {
    try (Statement s = connection.createStatement()) {
      String ring = single(s, "SELECT state FROM ring WHERE id = 1");
      String paxos = single(s, "SELECT state FROM paxos WHERE id = 1");
      if (parts.currentCount() > 0) {
        readSnapshot(lower, upper);
      } else {
        readTable(AllocationRows.Bounds.of(connection), lower, upper);
      }
      return new Saved(ring, paxos);
    } catch (SQLException e) {
      throw new StoreException("cannot read the state in " + file + ": " + e.getMessage()
          + ". Move the file aside to start with empty state, or restore it from a backup", e);
    }
  }

  private void readTable(AllocationRows.Bounds bounds, RowSink lower, RowSink upper)
      throws SQLException {
    long first = bounds.first();
    long last = bounds.last();
    if (last - first < 4096) {
      last = first; // none or few: not worth a second connection
    }
    long split = first + (last - first) / 2; // the addresses are dense in the owned ranges
    SecondReader other = last > split ? new SecondReader(file,
        own -> AllocationRows.read(own, split, Long.MAX_VALUE, upper)) : null;
    AllocationRows.read(connection, -1, last > split ? split : Long.MAX_VALUE, lower);
    if (other != null) {
      other.join();
    }
  }

  /**
   * The snapshot's parts, the current ones from their packed copy and the stale ones from the
   * table: the first half of the parts here, the rest beside. A snapshot that cannot be read
   * whole (only a damaged file) is dropped, and this start fails, since the sinks already hold
   * part of it: the next start reads the table itself.
   */
  private void readSnapshot(RowSink lower, RowSink upper) {
    long started = System.nanoTime();
    Snapshot.Read read;
    try {
      int split = parts.size() / 2;
      Snapshot.Read[] beside = {null};
      SecondReader other = split > 0 ? new SecondReader(file, own -> {
        beside[0] = Snapshot.read(own, parts, split, parts.size(), upper);
        return beside[0].packed() + beside[0].table();
      }) : null;
      read = Snapshot.read(connection, parts, 0, split > 0 ? split : parts.size(), lower);
      if (other != null) {
        other.join();
        read = read.plus(beside[0]);
      }
    } catch (SQLException | RuntimeException e) {
      String dropped;
      try {
        Snapshot.drop(connection);
        parts = Snapshot.Parts.read(connection);
        dropped = "it is dropped, so start the agent again and it reads the table itself";
      } catch (SQLException again) {
        e.addSuppressed(again);
        dropped = "dropping it failed too (" + again.getMessage() + "): move the file aside to"
            + " start with empty state, or restore it from a backup";
      }
      throw new StoreException("the snapshot of the allocations in " + file
          + " cannot be read (" + e.getMessage() + "); " + dropped, e);
    }
    long ms = (System.nanoTime() - started) / 1_000_000;
    int stale = parts.size() - parts.currentCount();
    if (stale == 0) {
      LOG.info("read {} allocation(s) from the snapshot in {} ms", read.packed(), ms);
    } else {
      LOG.info("read {} allocation(s) from the snapshot and {} from the table where they changed"
          + " since it was packed ({} of {} part(s)) in {} ms", read.packed(), read.table(),
          stale, parts.size(), ms);
    }
  }

  private static String single(Statement s, String query) throws SQLException {
    try (ResultSet rs = s.executeQuery(query)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** Writes one batch in one transaction, durable (fsync) when this returns. Blocks. */
  public synchronized void commit(Batch batch) {
    boolean committed = false;
    try {
      inTransaction(() -> batch.writeTo(writer));
      committed = true;
    } catch (SQLException e) {
      throw new StoreException("cannot write to " + file + ": " + e.getMessage(), e);
    } finally {
      // Also when the transaction stopped on a RuntimeException (a meta write's StoreException):
      // the parts it made stale were rolled back with it.
      if (committed) {
        writer.committed();
      } else {
        writer.rolledBack();
      }
    }
  }

  /**
   * Packs every stale part of the snapshot of the allocations that the next start reads instead
   * of the table ({@link Snapshot}), a transaction per part; returns how many rows it packed.
   * For a clean stop, once nothing else writes: a commit after it is still safe (it makes its
   * part stale), only slower. Blocks: a part takes a few milliseconds; with no snapshot at all,
   * a million allocations take about a second.
   */
  public synchronized long saveSnapshot() {
    long packed = 0;
    for (int rows; (rows = refreshSnapshot()) >= 0; ) {
      packed += rows;
    }
    return packed;
  }

  /**
   * Packs again, in one transaction, the first part of the snapshot that changed since it was
   * packed ({@value Snapshot#PART} rows of it at most), so that a start after a crash reads little
   * of the table itself. Blocks for a few tens of milliseconds at most. Returns the rows packed,
   * or -1 when every part was current.
   */
  public synchronized int refreshSnapshot() {
    int stale = parts.firstStale();
    if (stale < 0) {
      return -1;
    }
    try {
      int[] rows = {0};
      inTransaction(() -> rows[0] = Snapshot.refresh(connection, parts, stale));
      return rows[0];
    } catch (SQLException e) {
      throw new StoreException("cannot pack the snapshot of the allocations in " + file
          + " again: " + e.getMessage(), e);
    } finally {
      rereadParts();
    }
  }

  /**
   * Whether parts of the snapshot hold rows that were never packed: there are no parts yet, or
   * a stale part was split off a part that grew. Such parts are a backlog to pack soon, where a
   * part that churns may wait.
   */
  public synchronized boolean snapshotBacklog() {
    return parts.backlog();
  }

  /** Whether a part of the snapshot changed since it was packed (or there is none yet). */
  public synchronized boolean snapshotStale() {
    return parts.firstStale() >= 0;
  }

  private void rereadParts() {
    try {
      parts = Snapshot.Parts.read(connection);
    } catch (SQLException e) {
      throw new StoreException("cannot read the parts of the snapshot in " + file + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Moves the store aside, never deleting it: {@code weft.db} becomes
   * {@code weft.db.<reason>.<timestamp>} (with its WAL files). Returns the new name.
   */
  public static Path setAside(Path dataDir, String reason, long nowMs) throws IOException {
    Path file = dataDir.resolve(FILE_NAME);
    Path aside = dataDir.resolve(FILE_NAME + "." + reason + "." + nowMs);
    Files.move(file, aside);
    for (String suffix : new String[] {"-wal", "-shm"}) {
      Path extra = dataDir.resolve(FILE_NAME + suffix);
      if (Files.exists(extra)) {
        Files.move(extra, dataDir.resolve(aside.getFileName() + suffix));
      }
    }
    return aside;
  }

  private Optional<String> meta(String key) {
    try (PreparedStatement s = connection.prepareStatement("SELECT value FROM meta WHERE key=?")) {
      s.setString(1, key);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new StoreException("cannot read " + key + " from " + file + ": " + e.getMessage(), e);
    }
  }

  private void putMeta(String key, String value) {
    try (PreparedStatement s = connection.prepareStatement(
        "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value=?")) {
      s.setString(1, key);
      s.setString(2, value);
      s.setString(3, value);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new StoreException("cannot write " + key + " to " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // Closing is best effort: WAL recovery on the next open covers an unclean close.
    }
  }
}
