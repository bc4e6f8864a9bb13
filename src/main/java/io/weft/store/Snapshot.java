package io.weft.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A copy of the allocation table, made at a clean stop and read by the next start in place of
 * the table: the chunks of {@link AllocationRows}, stored already packed. Packing is most of the
 * cost of reading the table (about 0.3 s of CPU at a million rows, where reading the packed copy
 * takes 0.05 s), and a restart after a clean stop (an upgrade, a host's reboot) is the common one.
 *
 * <p>The snapshot is valid exactly while the table has not changed since it was made. It is
 * written in one transaction with a {@link Mark} in {@code meta}, and the first transaction after
 * it that changes an allocation removes the mark ({@link Store}'s writer does). So a start after a
 * crash, or after any change, reads the table itself. The mark also records the number of rows
 * and the first and last address: a start reads the snapshot only when the table's ends agree,
 * and checks the count once it has read it.
 */
final class Snapshot {
  /** The key of the {@link Mark} in {@code meta}. */
  static final String MARK_KEY = "allocations_snapshot";

  private Snapshot() {}

  /** What a valid snapshot holds: its rows, and the table's lowest and highest address then. */
  record Mark(long rows, long first, long last) {
    static Mark parse(String value) throws SQLException {
      String[] parts = value.split(" ");
      try {
        return new Mark(Long.parseLong(parts[0]), Long.parseLong(parts[1]),
            Long.parseLong(parts[2]));
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        throw new SQLException("the mark of the allocations' snapshot is not"
            + " '<rows> <first> <last>': " + value);
      }
    }

    String value() {
      return rows + " " + first + " " + last;
    }

    boolean agreesWith(AllocationRows.Bounds table) {
      return table.first() == first && table.last() == last;
    }
  }

  /**
   * Replaces the snapshot with one of the table as it is now, inside the caller's transaction;
   * returns the mark that the caller saves under {@link #MARK_KEY} in the same transaction.
   */
  static Mark write(Connection on) throws SQLException {
    try (Statement s = on.createStatement()) {
      s.execute("DELETE FROM snapshot");
    }
    long[] rows = {0};
    int[] part = {0};
    try (PreparedStatement insert = on.prepareStatement(
        "INSERT INTO snapshot (part, after, rows) VALUES (?, ?, ?)")) {
      AllocationRows.eachChunk(on, -1, Long.MAX_VALUE, (after, chunk) -> {
        insert.setInt(1, part[0]++);
        insert.setLong(2, after);
        insert.setBytes(3, chunk.packed());
        insert.executeUpdate();
        rows[0] += chunk.count();
      });
    }
    AllocationRows.Bounds bounds = AllocationRows.Bounds.of(on);
    return new Mark(rows[0], bounds.first(), bounds.last());
  }

  /** The statement that removes the mark, prepared on {@code on}: the snapshot is stale then. */
  static PreparedStatement unmark(Connection on) throws SQLException {
    PreparedStatement s = on.prepareStatement("DELETE FROM meta WHERE key = ?");
    s.setString(1, MARK_KEY);
    return s;
  }

  /** How many parts the snapshot has. */
  static int parts(Connection on) throws SQLException {
    try (Statement s = on.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM snapshot")) {
      return rs.getInt(1);
    }
  }

  /**
   * Hands the rows of parts {@code from} (inclusive) to {@code to} (exclusive) to {@code rows}, in
   * address order; returns how many there were. Each part must begin after the address the one
   * before it ended with, as it was written. {@code marked} is the whole snapshot's row count as
   * its mark says, which bounds what {@code rows} is told to expect.
   */
  static long read(Connection on, int from, int to, long marked, RowSink rows)
      throws SQLException {
    long[] read = {0};
    RowSink counted = (address, bytes, start, length, prefix, container) -> {
      read[0]++;
      rows.row(address, bytes, start, length, prefix, container);
    };
    // A part holds a chunk at most; a small snapshot (one part) holds far fewer.
    rows.expect(Math.min((long) (to - from) * AllocationRows.CHUNK, marked));
    try (PreparedStatement s = on.prepareStatement("SELECT after, rows FROM snapshot"
        + " WHERE part >= ? AND part < ? ORDER BY part")) {
      s.setInt(1, from);
      s.setInt(2, to);
      try (ResultSet rs = s.executeQuery()) {
        Long previous = null;
        while (rs.next()) {
          long after = rs.getLong(1);
          if (previous != null && after != previous) {
            throw new SQLException("a part of the allocations' snapshot begins after address "
                + after + ", where the part before it ended at " + previous);
          }
          previous = AllocationRows.parse(rs.getBytes(2), after, counted);
        }
      }
    }
    return read[0];
  }
}
