package io.weft.ui;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The agent's latest events, numbered in the order they arrived, and the open pages that want
 * the next ones. A page that reconnects names the last number it saw and gets only what it
 * missed (if still kept). Used from one event loop only, so it needs no locks.
 */
final class EventFeed {
  /** One event as the page gets it: its number, when this agent saw it, and the event. */
  record Stamped(long seq, long timeMs, JsonObject event) {
    JsonObject json() {
      return event.copy().put("seq", seq).put("time", timeMs);
    }
  }

  private final int keep;
  private final Deque<Stamped> latest = new ArrayDeque<>();
  private final Set<Consumer<Stamped>> subscribers = new LinkedHashSet<>();
  private long nextSeq = 1;

  EventFeed(int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, not " + keep);
    }
    this.keep = keep;
  }

  /** Records an event seen at {@code timeMs} and hands it to every subscriber. */
  void add(JsonObject event, long timeMs) {
    Stamped stamped = new Stamped(nextSeq++, timeMs, event);
    latest.addLast(stamped);
    if (latest.size() > keep) {
      latest.removeFirst();
    }
    // A subscriber may unsubscribe while it is told (its connection broke): iterate a copy.
    for (Consumer<Stamped> s : List.copyOf(subscribers)) {
      s.accept(stamped);
    }
  }

  /** The kept events numbered after {@code lastSeen}, oldest first. */
  List<Stamped> after(long lastSeen) {
    List<Stamped> missed = new ArrayList<>();
    for (Stamped s : latest) {
      if (s.seq() > lastSeen) {
        missed.add(s);
      }
    }
    return missed;
  }

  void subscribe(Consumer<Stamped> subscriber) {
    subscribers.add(subscriber);
  }

  void unsubscribe(Consumer<Stamped> subscriber) {
    subscribers.remove(subscriber);
  }

  int subscribers() {
    return subscribers.size();
  }
}
