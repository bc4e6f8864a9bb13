package io.weft.ipam;

import io.weft.paxos.Claims;
import io.weft.paxos.NodeId;
import io.weft.ring.PeerName;
import io.weft.ring.RingState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one call on the {@link Allocator} asks its caller to do, in this order: persist the
 * state when {@link #persist} is set (the allocation rows, and the ring and Paxos knowledge
 * this outcome carries when they changed: the caller never reads them back from the allocator),
 * then send the messages, then complete the requests and publish the events. Answering before persisting could lose an
 * answered allocation in a crash.
 */
public final class Outcome {

  /**
   * A message to one peer, or to every peer when {@code to} is null. A message to one peer goes
   * to its allocator, or to its {@link Seeding} when {@code toSeeding} (broadcasts reach both).
   */
  public record Send(PeerName to, Message message, boolean toSeeding) {}

  /** The answer to a request the caller identified by {@code requestId}. */
  public record Completion(long requestId, Result result) {}

  /** Something an operator or a co-located tool may want to know. */
  public record Event(EventType type, String id, String address, String peer, String reason) {}

  /** How consensus stands after a {@link Seeding} step, for status. */
  public record Progress(boolean running, int knownElectors) {}

  boolean persist;
  /** Seeding's answer: the peers a quorum agreed on; null while none. */
  List<PeerName> agreed;
  /** The allocator needs a ring and asks {@link Seeding} to start. */
  boolean establish;
  /** The allocator has its ring now: {@link Seeding} has nothing more to do. */
  boolean ringExists;
  /** Set by every {@link Seeding} step. */
  Progress progress;
  RingState ring;
  Map<NodeId, Claims> paxos;
  final List<Allocation> added = new ArrayList<>();
  final List<Allocation> removed = new ArrayList<>();
  final List<Send> sends = new ArrayList<>();
  final List<Completion> completions = new ArrayList<>();
  final List<Event> events = new ArrayList<>();

  public boolean persist() {
    return persist;
  }

  /** The ring to persist with this step's allocations; null when it did not change. */
  public RingState ring() {
    return ring;
  }

  /** What Paxos knows, to persist; null when it did not change (and once a ring exists). */
  public Map<NodeId, Claims> paxos() {
    return paxos;
  }

  /** The seeds consensus agreed on, for {@link Allocator#afterConsensus}; null while none. */
  public List<PeerName> agreed() {
    return agreed;
  }

  /** True when the allocator asks consensus to start ({@link Seeding#establish}). */
  public boolean establish() {
    return establish;
  }

  /** True when the allocator got its ring: tell {@link Seeding#ringExists}. */
  public boolean ringExists() {
    return ringExists;
  }

  /** How consensus stands, on the outcomes of {@link Seeding}; null on the allocator's. */
  public Progress progress() {
    return progress;
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
    sends.add(new Send(to, message, false));
  }

  void sendToSeeding(PeerName to, Message message) {
    sends.add(new Send(to, message, true));
  }

  void broadcast(Message message) {
    sends.add(new Send(null, message, false));
  }

  void event(EventType type, String id, String address, String peer, String reason) {
    events.add(new Event(type, id, address, peer, reason));
  }
}
