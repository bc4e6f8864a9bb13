package io.weft.testing;

import io.weft.agent.ipam.IpamHealth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** What the IPAM verticles tell the agent about their health, written down in order. */
public final class RecordingHealth implements IpamHealth {
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void wasReset() {
    events.add("reset");
  }

  @Override
  public void storeFailed(String why) {
    events.add("failed: " + why);
  }

  @Override
  public void storeFull(String why) {
    events.add("full: " + why);
  }

  @Override
  public void storeWritable() {
    events.add("writable");
  }

  @Override
  public void internalError(String why) {
    events.add("internal: " + why);
  }

  /** Everything, in order, as it happens (a live view). */
  public List<String> events() {
    return events;
  }

  /** What stops the agent or its writes: a failed store, a full disk, an internal error. */
  public List<String> stops() {
    synchronized (events) {
      return events.stream().filter(e -> !e.equals("reset") && !e.equals("writable")).toList();
    }
  }
}
