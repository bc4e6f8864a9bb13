package io.weft.docker;

import io.vertx.core.json.JsonObject;

/**
 * What the container watcher last knew about the engine, for status and readiness. Written by the
 * watcher, read by other verticles: the fields are volatile and replaced together.
 */
public final class DockerStatus {
  public enum State { CONNECTED, UNAVAILABLE, DISABLED }

  private record Snapshot(State state, String lastError, long sinceMs, int containers) {}

  private final String host;
  private volatile Snapshot now;

  private DockerStatus(String host, State state) {
    this.host = host;
    this.now = new Snapshot(state, null, System.currentTimeMillis(), 0);
  }

  public static DockerStatus disabled() {
    return new DockerStatus(null, State.DISABLED);
  }

  public static DockerStatus watching(String host) {
    return new DockerStatus(host, State.UNAVAILABLE);
  }

  public State state() {
    return now.state();
  }

  public String lastError() {
    return now.lastError();
  }

  void connected(int containers) {
    now = new Snapshot(State.CONNECTED, now.lastError(), System.currentTimeMillis(), containers);
  }

  void unavailable(String error) {
    Snapshot before = now;
    long since = before.state() == State.UNAVAILABLE ? before.sinceMs() : System.currentTimeMillis();
    now = new Snapshot(State.UNAVAILABLE, error, since, 0);
  }

  /** The {@code docker} word of {@code /status}: connected, unavailable or disabled. */
  public String word() {
    return now.state().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** Details for operators: the engine's address, since when, and the last error seen. */
  public JsonObject details() {
    Snapshot s = now;
    JsonObject details = new JsonObject().put("state", word());
    if (host != null) {
      details.put("host", host).put("since", java.time.Instant.ofEpochMilli(s.sinceMs())
          .toString());
    }
    if (s.state() == State.CONNECTED) {
      details.put("containers", s.containers());
    }
    return details.put("lastError", s.lastError());
  }
}
