package io.weft.store;

import java.util.ArrayList;
import java.util.List;

/**
 * Changes written in one transaction: allocation rows added and removed, in the order they
 * happened, and the latest ring and Paxos state (null when unchanged). Several steps of the
 * allocator fold into one batch while the previous one commits (group commit).
 */
public final class Batch {

  /** One allocation as a row: the address is the key. */
  public record Row(long address, String ident, int prefix, boolean container) {}

  private record Change(boolean add, Row row) {}

  private final List<Change> changes = new ArrayList<>();
  private String ring;
  private String paxos;

  public void add(Row row) {
    changes.add(new Change(true, row));
  }

  public void remove(Row row) {
    changes.add(new Change(false, row));
  }

  public void ring(String json) {
    ring = json;
  }

  public void paxos(String json) {
    paxos = json;
  }

  public boolean isEmpty() {
    return changes.isEmpty() && ring == null && paxos == null;
  }

  public int size() {
    return changes.size();
  }

  void writeTo(Store.Writer writer) throws java.sql.SQLException {
    for (Change c : changes) {
      if (c.add()) {
        writer.upsert(c.row());
      } else {
        writer.delete(c.row().address());
      }
    }
    if (ring != null) {
      writer.ring(ring);
    }
    if (paxos != null) {
      writer.paxos(paxos);
    }
  }
}
