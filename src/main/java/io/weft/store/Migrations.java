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
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");

  static int latest() {
    return STEPS.size();
  }
}
