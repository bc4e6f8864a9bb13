package io.weft.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.BitSet;
import java.util.function.Supplier;

/**
 * The statements of one transaction of the {@link Store}, prepared once per store: a {@link Batch}
 * writes itself through them. Each change of an allocation first marks its part of the snapshot
 * stale ({@link Snapshot}), once per part and transaction, so that the next start reads that
 * part from the table rather than from a packed copy that no longer holds.
 */
final class BatchWriter {
  private final Connection connection;
  /** The store's snapshot parts as they are now: the store reads them again after a packing. */
  private final Supplier<Snapshot.Parts> parts;
  private final Runnable markReset;
  private PreparedStatement upsert;
  private PreparedStatement delete;
  private PreparedStatement ring;
  private PreparedStatement paxos;
  private PreparedStatement staler;
  /** The parts this transaction made stale: stale once it commits. */
  private final BitSet staled = new BitSet();

  BatchWriter(Connection connection, Supplier<Snapshot.Parts> parts, Runnable markReset) {
    this.connection = connection;
    this.parts = parts;
    this.markReset = markReset;
  }

  /** Before a change to {@code address}: its part of the snapshot is stale. */
  private void changing(long address) throws SQLException {
    Snapshot.Parts now = parts.get();
    int part = now.partOf(address);
    if (part < 0 || !now.current(part) || staled.get(part)) {
      return;
    }
    if (staler == null) {
      staler = Snapshot.staler(connection);
    }
    staler.setLong(1, now.after(part));
    staler.executeUpdate();
    staled.set(part);
  }

  void committed() {
    for (int i = staled.nextSetBit(0); i >= 0; i = staled.nextSetBit(i + 1)) {
      parts.get().staled(i);
    }
    staled.clear();
  }

  void rolledBack() {
    staled.clear();
  }

  void upsert(Batch.Row row) throws SQLException {
    changing(row.address());
    if (upsert == null) {
      upsert = connection.prepareStatement("INSERT OR REPLACE INTO allocations"
          + " (address, ident, prefix, container) VALUES (?, ?, ?, ?)");
    }
    upsert.setLong(1, row.address());
    upsert.setString(2, row.ident());
    upsert.setInt(3, row.prefix());
    upsert.setInt(4, row.container() ? 1 : 0);
    upsert.executeUpdate();
  }

  void delete(long address) throws SQLException {
    changing(address);
    if (delete == null) {
      delete = connection.prepareStatement("DELETE FROM allocations WHERE address = ?");
    }
    delete.setLong(1, address);
    delete.executeUpdate();
  }

  void ring(String json) throws SQLException {
    if (ring == null) {
      ring = connection.prepareStatement("INSERT OR REPLACE INTO ring (id, state) VALUES (1, ?)");
    }
    ring.setString(1, json);
    ring.executeUpdate();
  }

  void markReset() {
    markReset.run();
  }

  void paxos(String json) throws SQLException {
    if (paxos == null) {
      paxos = connection.prepareStatement(
          "INSERT OR REPLACE INTO paxos (id, state) VALUES (1, ?)");
    }
    paxos.setString(1, json);
    paxos.executeUpdate();
  }
}
