package io.weft.agent;

import java.sql.DriverManager;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The parts of an agent's start that need no flags, begun on a thread of their own before the
 * command line is parsed: configuring logging (~60 ms), the SQLite driver's connection defaults
 * (their date formats load the JVM's locale data, ~35 ms) and JDBC's driver list. On two cores
 * they run beside picocli's parsing instead of after it; whoever needs them first waits for the
 * initialisation the libraries already guard.
 */
public final class EarlyStart {
  private EarlyStart() {}

  /** Starts the work; returns at once. Harmless when it is not needed after all. */
  public static void begin() {
    Thread early = new Thread(() -> {
      LoggerFactory.getILoggerFactory();
      new SQLiteConfig();
      DriverManager.getDrivers();
    }, "weft-early-start");
    early.setDaemon(true);
    early.start();
  }
}
