package io.weft.store;

/**
 * Receives the allocation rows of a {@link Store#load(RowSink, RowSink) load}, in address order:
 * each ident as the {@code length} UTF-8 bytes of {@code bytes} from {@code start}, so that a
 * restart needs no string per row. The store never writes to {@code bytes} again (each chunk of
 * rows is an array of its own), so a sink may keep it rather than copy the ident.
 */
public interface RowSink {
  void row(long address, byte[] bytes, int start, int length, int prefix, boolean container);

  /**
   * Before the rows, when the store can tell: about {@code rows} rows will come, so that a sink
   * can size itself once instead of growing (and copying) step by step through a million. It is
   * an estimate, not a bound: a start after a crash reads the stale parts of the snapshot from
   * the table, and they may have gained rows since the store last counted them.
   */
  default void expect(long rows) {}
}
