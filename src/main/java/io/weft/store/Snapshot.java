package io.weft.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A copy of the allocation table, kept part by part, that a start reads in place of the table:
 * chunks of {@link AllocationRows} of {@value #PART} rows, stored already packed. Packing is most
 * of the cost of reading the table (about 0.3 s of CPU at a million rows, where reading the
 * packed copy takes 0.05 s).
 *
 * <p>The parts tile the addresses: a part holds the rows after its {@code after} up to and
 * including the next part's {@code after} (the last part: all the rest), so every address belongs
 * to exactly one part. A part is current while no row in its range has changed since it was
 * packed; the first transaction that changes one makes it stale ({@code packed} NULL) in the same
 * transaction ({@link Store}'s writer does, through {@link Parts#partOf}). So a start after a
 * crash reads the current parts from the copy and only the stale parts' ranges from the table
 * itself. Stale parts are packed again one at a time ({@link #refresh}): by the writer while the
 * agent runs, so that a crash after a long run does not fall back to reading the whole table,
 * and all that are left at a clean stop. No parts at all is the same as one stale part holding
 * everything; a part that grew past {@value #PART} rows is split as it is packed again, and parts
 * are never merged (a part that lost its rows costs a start one small read).
 *
 * <p>Each current part records how many rows it packed, which a start checks once it has read
 * it, as it checks that the rows lie in the part's range and in address order.
 */
final class Snapshot {
  /**
   * Rows per part: a change makes this many stale, which a start after a crash reads from the
   * table (about 15 ms) and the writer packs again (about a megabyte with container IDs).
   */
  static final int PART = 16_384;

  /**
   * Room a start makes for the rows a stale part gained since it was packed. A sink that
   * expected too few grows by doubling: a start after a crash that had allocated a few addresses
   * at the end copied half the table into arrays twice its size, and was 0.3-0.5 s slower at a
   * million allocations than one after a clean stop.
   */
  static final int STALE_GROWTH = 1_024;

  private Snapshot() {}

  /**
   * The parts as the store's writer sees them: where each begins, how many rows it packed, and
   * whether it is still current. Changed only between transactions.
   */
  static final class Parts {
    private final long[] afters;
    private final long[] rows;
    private final boolean[] current;

    private Parts(long[] afters, long[] rows, boolean[] current) {
      this.afters = afters;
      this.rows = rows;
      this.current = current;
    }

    static Parts read(Connection on) throws SQLException {
      int n;
      try (Statement s = on.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM snapshot")) {
        n = rs.getInt(1);
      }
      Parts parts = new Parts(new long[n], new long[n], new boolean[n]);
      // typeof() reads the column's type from the row's header, not the packed rows themselves.
      try (Statement s = on.createStatement();
          ResultSet rs = s.executeQuery("SELECT after, rows, typeof(packed) = 'blob'"
              + " FROM snapshot ORDER BY after")) {
        for (int i = 0; i < n && rs.next(); i++) {
          parts.afters[i] = rs.getLong(1);
          parts.rows[i] = rs.getLong(2);
          parts.current[i] = rs.getBoolean(3);
        }
      }
      if (n > 0 && parts.afters[0] != -1) {
        throw new SQLException("the allocations' snapshot begins after address "
            + parts.afters[0] + ", not at the first address");
      }
      return parts;
    }

    int size() {
      return afters.length;
    }

    /** The part that holds {@code address}, or -1 when there are no parts. */
    int partOf(long address) {
      int low = 0;
      int high = afters.length - 1;
      int found = -1;
      while (low <= high) {
        int mid = (low + high) >>> 1;
        if (afters[mid] < address) {
          found = mid;
          low = mid + 1;
        } else {
          high = mid - 1;
        }
      }
      return found;
    }

    /** The address part {@code i}'s rows follow. */
    long after(int i) {
      return afters[i];
    }

    /** The last address part {@code i} may hold. */
    long through(int i) {
      return i + 1 < afters.length ? afters[i + 1] : Long.MAX_VALUE;
    }

    /** The rows part {@code i} held when it was last packed. */
    long rows(int i) {
      return rows[i];
    }

    boolean current(int i) {
      return current[i];
    }

    /** Part {@code i} changed, in a transaction that has committed. */
    void staled(int i) {
      current[i] = false;
    }

    int firstStale() {
      for (int i = 0; i < current.length; i++) {
        if (!current[i]) {
          return i;
        }
      }
      return afters.length == 0 ? 0 : -1;
    }

    /**
     * Whether a stale part holds rows that were never packed: there are no parts at all, or a
     * stale part recorded none (split off a part that grew, or one that was empty).
     */
    boolean backlog() {
      if (afters.length == 0) {
        return true;
      }
      for (int i = 0; i < afters.length; i++) {
        if (!current[i] && rows[i] == 0) {
          return true;
        }
      }
      return false;
    }

    int currentCount() {
      int n = 0;
      for (boolean c : current) {
        n += c ? 1 : 0;
      }
      return n;
    }

    /**
     * About as many rows as parts {@code from} to {@code to} (exclusive) hold, and no fewer
     * unless a stale one gained more than {@value #STALE_GROWTH} since it was packed: what a
     * current part holds, and what a stale one held when it was last packed and room to spare.
     */
    long expectedRows(int from, int to) {
      long n = 0;
      for (int i = from; i < to; i++) {
        n += current[i] ? rows[i] : rows[i] + STALE_GROWTH;
      }
      return n;
    }
  }

  /**
   * Packs stale part {@code i} of {@code parts} again, inside the caller's transaction:
   * {@value #PART} of its rows at most, so that the writer is never held for long. When its range
   * holds more, the rest becomes a stale part of its own, packed by a later call. With no parts at
   * all, packs the first part of the whole table. Returns the rows packed.
   */
  static int refresh(Connection on, Parts parts, int i) throws SQLException {
    long after = parts.size() == 0 ? -1 : parts.after(i);
    long through = parts.size() == 0 ? Long.MAX_VALUE : parts.through(i);
    AllocationRows.Chunk chunk = AllocationRows.chunk(on, after, through, PART);
    try (PreparedStatement insert = insert(on)) {
      save(insert, after, chunk.count(), chunk.count() == 0 ? new byte[0] : chunk.packed());
      if (chunk.count() == PART && chunk.last() < through) {
        save(insert, chunk.last(), 0, null);
      }
    }
    return chunk.count();
  }

  private static PreparedStatement insert(Connection on) throws SQLException {
    return on.prepareStatement(
        "INSERT OR REPLACE INTO snapshot (after, rows, packed) VALUES (?, ?, ?)");
  }

  private static void save(PreparedStatement insert, long after, long rows, byte[] packed)
      throws SQLException {
    insert.setLong(1, after);
    insert.setLong(2, rows);
    insert.setBytes(3, packed);
    insert.executeUpdate();
  }

  /** The statement that makes a part stale, prepared on {@code on}; its parameter: the after. */
  static PreparedStatement staler(Connection on) throws SQLException {
    return on.prepareStatement("UPDATE snapshot SET packed = NULL WHERE after = ?");
  }

  /** Removes every part: the next start reads the table itself. */
  static void drop(Connection on) throws SQLException {
    try (Statement s = on.createStatement()) {
      s.execute("DELETE FROM snapshot");
    }
  }

  /** What one reader read: rows from current parts and rows from the table. */
  record Read(long packed, long table) {
    Read plus(Read other) {
      return new Read(packed + other.packed, table + other.table);
    }
  }

  /**
   * Hands the rows of parts {@code from} (inclusive) to {@code to} (exclusive) to {@code rows}, in
   * address order: a current part's from its packed copy, a stale part's from the table.
   */
  static Read read(Connection on, Parts parts, int from, int to, RowSink rows)
      throws SQLException {
    rows.expect(parts.expectedRows(from, to));
    long packed = 0;
    long table = 0;
    try (PreparedStatement s = on.prepareStatement(
        "SELECT packed FROM snapshot WHERE after = ?")) {
      for (int i = from; i < to; i++) {
        if (!parts.current(i)) {
          table += AllocationRows.read(on, parts.after(i), parts.through(i), rows);
          continue;
        }
        s.setLong(1, parts.after(i));
        byte[] chunk;
        try (ResultSet rs = s.executeQuery()) {
          chunk = rs.next() ? rs.getBytes(1) : null;
        }
        if (chunk == null) {
          throw new SQLException("the part after address " + parts.after(i)
              + " is missing or no longer current");
        }
        long[] count = {0};
        long last = AllocationRows.parse(chunk, parts.after(i),
            (address, bytes, start, length, prefix, container) -> {
              count[0]++;
              rows.row(address, bytes, start, length, prefix, container);
            });
        if (count[0] != parts.rows(i)) {
          throw new SQLException("the part after address " + parts.after(i) + " holds "
              + count[0] + " rows where it says " + parts.rows(i));
        }
        if (last > parts.through(i)) {
          throw new SQLException("the part after address " + parts.after(i) + " holds address "
              + last + ", past the next part's");
        }
        packed += count[0];
      }
    }
    return new Read(packed, table);
  }
}
