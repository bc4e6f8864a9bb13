package io.weft.store;

import java.util.Locale;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * Whether a store failure is a full disk, which passes once space is freed, rather than a store
 * that can no longer be trusted. SQLite reports it as {@code SQLITE_FULL} ("database or disk is
 * full"), wrapped in a {@link StoreException}; an {@link java.io.IOException} says "No space left
 * on device". The whole cause chain is read, since either may be wrapped.
 */
public final class DiskFull {
  /** A cause chain longer than this is a loop or not worth reading further. */
  private static final int MAX_DEPTH = 16;

  private DiskFull() {}

  public static boolean is(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
      if (t instanceof SQLiteException s && (s.getResultCode() == SQLiteErrorCode.SQLITE_FULL
          // An extended result code keeps the primary code in its low byte.
          || (s.getErrorCode() & 0xff) == SQLiteErrorCode.SQLITE_FULL.code)) {
        return true;
      }
      String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (message.contains("no space left on device") || message.contains("disk is full")) {
        return true;
      }
    }
    return false;
  }
}
