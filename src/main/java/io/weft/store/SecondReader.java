package io.weft.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * One half of a restart's reading: started on a thread and a second connection of its own (WAL
 * lets both read), joined by the thread that reads the other half.
 */
final class SecondReader {
  /** The read to run on the second connection; returns the number of rows it read. */
  interface Work {
    long read(Connection own) throws SQLException;
  }

  private final Thread reader;
  private long read;
  private Throwable failure;

  SecondReader(Path file, Work work) {
    reader = new Thread(() -> {
      try (Connection own = Store.connect(file)) {
        read = work.read(own);
      } catch (Throwable t) {
        failure = t;
      }
    }, "weft-store-load");
    reader.setDaemon(true);
    reader.start();
  }

  /** Waits for the read; returns its row count or throws what stopped it. */
  long join() throws SQLException {
    try {
      reader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while reading the allocations", e);
    }
    if (failure instanceof SQLException sql) {
      throw sql;
    } else if (failure instanceof RuntimeException runtime) {
      throw runtime;
    } else if (failure != null) {
      throw new SQLException(failure);
    }
    return read;
  }
}
