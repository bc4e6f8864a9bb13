package io.weft.ipam;

import io.weft.ring.PeerName;
import java.util.ArrayList;
import java.util.List;

/**
 * What one call on the {@link Allocator} asks its caller to do, in this order: persist the
 * state (ring and allocations together) when {@link #persist} is set, then send the messages,
 * then complete the requests and publish the events. Answering before persisting could lose an
 * answered allocation in a crash.
 */
public final class Outcome {

  /** A message to one peer, or to every peer when {@code to} is null. */
  public record Send(PeerName to, Message message) {}

  /** The answer to a request the caller identified by {@code requestId}. */
  public record Completion(long requestId, Result result) {}

  /** Something an operator or a co-located tool may want to know. */
  public record Event(String type, String id, String address, String peer, String reason) {}

  boolean persist;
  final List<Allocation> added = new ArrayList<>();
  final List<Allocation> removed = new ArrayList<>();
  final List<Send> sends = new ArrayList<>();
  final List<Completion> completions = new ArrayList<>();
  final List<Event> events = new ArrayList<>();

  public boolean persist() {
    return persist;
  }

  /** Allocations made by this step, to write to the store with the ring. */
  public List<Allocation> added() {
    return added;
  }

  /** Allocations ended by this step, to delete from the store with the ring. */
  public List<Allocation> removed() {
    return removed;
  }

  public List<Send> sends() {
    return sends;
  }

  public List<Completion> completions() {
    return completions;
  }

  public List<Event> events() {
    return events;
  }

  void complete(long requestId, Result result) {
    completions.add(new Completion(requestId, result));
  }

  void send(PeerName to, Message message) {
    sends.add(new Send(to, message));
  }

  void broadcast(Message message) {
    sends.add(new Send(null, message));
  }

  void event(String type, String id, String address, String peer, String reason) {
    events.add(new Event(type, id, address, peer, reason));
  }
}
