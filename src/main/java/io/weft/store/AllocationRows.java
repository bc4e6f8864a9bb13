package io.weft.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

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
      + " WHERE address > ? AND address <= ? ORDER BY address LIMIT ?)";

  private AllocationRows() {}

  /** One chunk: how many rows it holds, the last address in it, and its rows packed. */
  record Chunk(int count, long last, byte[] packed) {}

  /** The lowest and highest address in the table; both 0 when it is empty. */
  record Bounds(long first, long last) {
    static Bounds of(Connection on) throws SQLException {
      // Two subqueries: SQLite finds a lone min() or max() at an end of the primary key, but
      // scans the whole table for both in one.
      try (Statement s = on.createStatement();
          ResultSet rs = s.executeQuery("SELECT (SELECT min(address) FROM allocations),"
              + " (SELECT max(address) FROM allocations)")) {
        return new Bounds(rs.getLong(1), rs.getLong(2));
      }
    }
  }

  /** Receives the chunks of {@link #eachChunk}, each with the address it follows. */
  interface ChunkSink {
    void chunk(long after, Chunk chunk) throws SQLException;
  }

  /**
   * Hands the chunks of the rows with {@code from < address <= to}, of {@code size} rows each
   * (the last one fewer), to {@code chunks}, in order.
   */
  static void eachChunk(Connection on, long from, long to, int size, ChunkSink chunks)
      throws SQLException {
    try (PreparedStatement query = on.prepareStatement(QUERY)) {
      long after = from;
      while (true) {
        Chunk chunk = chunk(query, after, to, size);
        if (chunk.count() == 0) {
          return;
        }
        chunks.chunk(after, chunk);
        if (chunk.count() < size) {
          return;
        }
        after = chunk.last();
      }
    }
  }

  /**
   * The first {@code size} rows with {@code from < address <= to} as one chunk; its count is 0
   * if there are none.
   */
  static Chunk chunk(Connection on, long from, long to, int size) throws SQLException {
    try (PreparedStatement query = on.prepareStatement(QUERY)) {
      return chunk(query, from, to, size);
    }
  }

  private static Chunk chunk(PreparedStatement query, long from, long to, int size)
      throws SQLException {
    query.setLong(1, from);
    query.setLong(2, to);
    query.setInt(3, size);
    try (ResultSet rs = query.executeQuery()) {
      return new Chunk(rs.getInt(1), rs.getLong(2), rs.getBytes(3));
    }
  }

  /**
   * Hands the rows with {@code from < address <= to} to {@code rows}, in address order
   * (addresses are never negative); returns how many there were.
   */
  static long read(Connection on, long from, long to, RowSink rows) throws SQLException {
    long[] read = {0};
    eachChunk(on, from, to, CHUNK, (after, chunk) -> {
      parse(chunk.packed(), after, rows);
      read[0] += chunk.count();
    });
    return read[0];
  }

  /**
   * Hands every row of one chunk to {@code rows}. The order is checked, because a restore marks
   * the space used in one ascending pass: a chunk out of order would be a changed query plan,
   * and stops the load rather than corrupting it. Returns the chunk's last address ({@code after}
   * when it is empty).
   */
  static long parse(byte[] chunk, long after, RowSink rows) throws SQLException {
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
      int ident = i;
      i += length;
      long address = packed >>> 8;
      if (address <= previous) {
        throw new SQLException("the allocations came out of address order (" + address
            + " after " + previous + ")");
      }
      previous = address;
      rows.row(address, chunk, ident, length, (int) (packed >>> 1) & 0x7f, (packed & 1) != 0);
    }
    return previous;
  }

  private static int hexDigit(byte c) {
    return c <= '9' ? c - '0' : c - 'a' + 10;
  }
}
