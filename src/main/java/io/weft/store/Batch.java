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
  private java.util.function.Supplier<String> ringSource;
  private java.util.function.Supplier<String> paxosSource;
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

  /**
   * The ring and Paxos state to write, read once when the batch is {@link #seal sealed}: many
   * steps fold into one batch and only the state after the last one matters.
   */
  public void state(java.util.function.Supplier<String> ringJson,
      java.util.function.Supplier<String> paxosJson) {
    ringSource = ringJson;
    paxosSource = paxosJson;
  }

  /** Reads the latest state; call on the owner's thread before handing the batch over. */
  public void seal() {
    if (ringSource != null) {
      ring = ringSource.get();
      paxos = paxosSource.get();
      ringSource = null;
      paxosSource = null;
    }
  }

  public boolean isEmpty() {
    return changes.isEmpty() && ring == null && paxos == null && ringSource == null;
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
