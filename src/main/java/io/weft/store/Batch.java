package io.weft.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

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
  private Supplier<String> ringSource;
  private Supplier<String> paxosSource;
  private String ring;
  private String paxos;
  private boolean reset;

  public void add(Row row) {
    changes.add(new Change(true, row));
  }

  public void remove(Row row) {
    changes.add(new Change(false, row));
  }

  /**
   * The ring to write, as JSON made when the batch is {@link #seal sealed}: many steps fold into
   * one batch and only the newest ring is encoded and written. The writer seals on its own
   * thread, so {@code json} must read only values that no longer change.
   */
  public void ring(Supplier<String> json) {
    ringSource = json;
  }

  /** Paxos knowledge to write, as {@link #ring}: only the newest is encoded. */
  public void paxos(Supplier<String> json) {
    paxosSource = json;
  }

  public void ring(String json) {
    ring = json;
    ringSource = null;
  }

  public void paxos(String json) {
    paxos = json;
    paxosSource = null;
  }

  /** Records that this peer was reset: it never allocates again from this store. */
  public void markReset() {
    reset = true;
  }

  /** Encodes the newest ring and Paxos state; called once, before the batch is written. */
  public void seal() {
    if (ringSource != null) {
      ring = ringSource.get();
      ringSource = null;
    }
    if (paxosSource != null) {
      paxos = paxosSource.get();
      paxosSource = null;
    }
  }

  public boolean isEmpty() {
    return changes.isEmpty() && ring == null && paxos == null && ringSource == null
        && paxosSource == null && !reset;
  }

  public int size() {
    return changes.size();
  }

  void writeTo(BatchWriter writer) throws java.sql.SQLException {
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
    if (reset) {
      writer.markReset();
    }
  }
}
