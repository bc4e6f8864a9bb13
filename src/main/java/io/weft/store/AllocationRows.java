package io.weft.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Reads the allocation table for a restart, in chunks that SQLite packs into one value each.
 *
 * <p>Why not a row at a time: the driver crosses into native code for every step and every
 * column, about a microsecond per row, where SQLite scans its table at a sixth of that. So the
 * scan, the encoding and the concatenation stay in SQLite: one query returns up to
 * {@value #CHUNK} rows in address order as one blob of
 * {@code packed-in-hex SP ident-length-in-hex SP ident-bytes}, packed being
 * {@code address << 8 | prefix << 1 | container} (an IPv4 address, a prefix of at most 32) and the
 * length counted in UTF-8 bytes, so an ident may hold any character. The next chunk starts
 * after the last address of this one. Parsing a chunk costs a few nanoseconds a row.
 */
final class AllocationRows {
  /** Rows per query: a few megabytes of blob with container IDs for idents. */
  static final int CHUNK = 65_536;

  // The primary key is the rowid, so the inner query walks the table's own b-tree in address
  // order, without a sort; SQLite keeps a subquery's order when an aggregate consumes it.
  private static final String QUERY = "SELECT count(*), max(address),"
      + " CAST(group_concat(printf('%x %x ', (address << 8) | (prefix << 1) | container,"
      + " octet_length(ident)) || ident, '') AS BLOB)"
      + " FROM (SELECT address, prefix, container, ident FROM allocations"
      + " WHERE address > ? AND address <= ? ORDER BY address LIMIT " + CHUNK + ")";

  private AllocationRows() {}

  /** The rows with {@code from < address <= to}, in address order; addresses are never negative. */
  static void read(Connection on, long from, long to, Store.RowSink rows) throws SQLException {
    try (PreparedStatement query = on.prepareStatement(QUERY)) {
      long after = from;
      while (true) {
        query.setLong(1, after);
        query.setLong(2, to);
        int count;
        try (ResultSet rs = query.executeQuery()) {
          count = rs.getInt(1);
          if (count == 0) {
            return;
          }
          long last = rs.getLong(2);
          parse(rs.getBytes(3), after, rows);
          after = last;
        }
        if (count < CHUNK) {
          return;
        }
      }
    }
  }

  /**
   * Hands every row of one chunk to {@code rows}. The order is checked, because a restore marks
   * the space used in one ascending pass: a chunk out of order would be a changed query plan,
   * and stops the load rather than corrupting it.
   */
  static void parse(byte[] chunk, long after, Store.RowSink rows) throws SQLException {
    long previous = after;
    int i = 0;
    while (i < chunk.length) {
      long packed = 0;
      byte c;
      while ((c = chunk[i++]) != ' ') {
        packed = packed << 4 | hexDigit(c);
      }
      int length = 0;
      while ((c = chunk[i++]) != ' ') {
        length = length << 4 | hexDigit(c);
      }
      String ident = new String(chunk, i, length, StandardCharsets.UTF_8);
      i += length;
      long address = packed >>> 8;
      if (address <= previous) {
        throw new SQLException("the allocations came out of address order (" + address
            + " after " + previous + ")");
      }
      previous = address;
      rows.row(address, ident, (int) (packed >>> 1) & 0x7f, (packed & 1) != 0);
    }
  }

  private static int hexDigit(byte c) {
    return c <= '9' ? c - '0' : c - 'a' + 10;
  }
}
