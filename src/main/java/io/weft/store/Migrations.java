package io.weft.store;

import java.util.List;

/**
 * The schema, as an ordered list of steps. Step {@code i} takes a database from schema version
 * {@code i} to {@code i + 1}; the version lives in SQLite's {@code user_version}. Steps are only
 * ever appended: a released step is never edited.
 */
final class Migrations {
  private Migrations() {}

  static final List<String> STEPS = List.of(
      // 1: identity and other single values of this agent.
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
      // 2: the IPAM state. Ring and allocations always change in one transaction.
      "CREATE TABLE ring (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);"
          + "CREATE TABLE paxos (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL);"
          + "CREATE TABLE allocations (address INTEGER PRIMARY KEY, ident TEXT NOT NULL,"
          + " prefix INTEGER NOT NULL, container INTEGER NOT NULL)",
      // 3: the copy of the allocations a clean stop leaves for the next start (Snapshot); a
      // weft without this step must not open the file, since it would not mark the copy stale.
      "CREATE TABLE snapshot (part INTEGER PRIMARY KEY, after INTEGER NOT NULL,"
          + " rows BLOB NOT NULL)",
      // 4: the copy kept part by part (Snapshot): a change makes only its own part stale, so a
      // start after a crash reads the table only where it changed. The copy of step 3 and its
      // mark are dropped: the first clean stop or the writer's next refresh makes a new one.
      "DROP TABLE snapshot;"
          + "DELETE FROM meta WHERE key = 'allocations_snapshot';"
          + "CREATE TABLE snapshot (after INTEGER PRIMARY KEY, rows INTEGER NOT NULL,"
          + " packed BLOB)");

  static int latest() {
    return STEPS.size();
  }
}
