package io.weft.paxos;

import io.weft.ring.PeerName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Single-decree Paxos carried by gossip, deciding once which peers seed the ring. Every node
 * gossips what it knows of every node's {@link Claims}; there are no separate messages. A node
 * that {@link #propose proposes} starts a round above all it has seen; {@link #think} moves it
 * through promise, accept-request and accept as far as its knowledge allows.
 *
 * <p>The value a proposer picks is every peer it has heard of. Pure: no clock, no I/O.
 */
public final class Paxos {
  private final NodeId self;
  private final int quorum;
  private final Map<NodeId, Claims> knowledge = new TreeMap<>();

  public Paxos(NodeId self, int quorum) {
    if (quorum < 1) {
      throw new IllegalArgumentException("quorum must be at least 1, not " + quorum);
    }
    this.self = self;
    this.quorum = quorum;
    knowledge.put(self, Claims.EMPTY);
  }

  /**
   * A node for a restarted peer: it keeps what it knew, and takes over the claims its previous
   * incarnations made, so that it never promises or accepts below them.
   */
  public static Paxos restore(NodeId self, int quorum, Map<NodeId, Claims> persisted) {
    Paxos paxos = new Paxos(self, quorum);
    Claims own = Claims.EMPTY;
    for (Map.Entry<NodeId, Claims> e : persisted.entrySet()) {
      Claims c = e.getValue();
      if (e.getKey().peer().equals(self.peer())) {
        if (ProposalId.compare(c.promise(), own.promise()) > 0) {
          own = own.withPromise(c.promise());
        }
        if (ProposalId.compare(c.accepted(), own.accepted()) > 0) {
          own = own.withAccepted(c.accepted(), c.value(), c.origin());
        }
      }
    }
    paxos.update(persisted);
    paxos.knowledge.put(self, own);
    return paxos;
  }

  public NodeId self() {
    return self;
  }

  public int quorum() {
    return quorum;
  }

  /** What this node knows, to gossip. */
  public Map<NodeId, Claims> state() {
    return Collections.unmodifiableMap(new TreeMap<>(knowledge));
  }

  /** The distinct peers heard of, this one included. */
  public Set<PeerName> knownPeers() {
    Set<PeerName> peers = new TreeSet<>();
    for (NodeId n : knowledge.keySet()) {
      peers.add(n.peer());
    }
    return peers;
  }

  /**
   * Merges received knowledge: per node, the highest promise and the highest accepted proposal
   * (with its value). Our own claims are ours alone. Returns whether anything changed.
   */
  public boolean update(Map<NodeId, Claims> received) {
    boolean changed = false;
    for (Map.Entry<NodeId, Claims> e : received.entrySet()) {
      if (e.getKey().equals(self)) {
        continue;
      }
      Claims mine = knowledge.getOrDefault(e.getKey(), Claims.EMPTY);
      Claims theirs = e.getValue();
      Claims merged = mine;
      if (ProposalId.compare(theirs.promise(), mine.promise()) > 0) {
        merged = merged.withPromise(theirs.promise());
      }
      if (ProposalId.compare(theirs.accepted(), mine.accepted()) > 0) {
        merged = merged.withAccepted(theirs.accepted(), theirs.value(), theirs.origin());
      }
      if (!merged.equals(mine) || !knowledge.containsKey(e.getKey())) {
        knowledge.put(e.getKey(), merged);
        changed = true;
      }
    }
    return changed;
  }

  /** Prepare: promise ourselves a round above every round seen. Think at once. */
  public void propose() {
    long round = 0;
    for (Claims c : knowledge.values()) {
      round = Math.max(round, c.promise() == null ? 0 : c.promise().round());
      round = Math.max(round, c.accepted() == null ? 0 : c.accepted().round());
    }
    Claims mine = knowledge.get(self);
    knowledge.put(self, mine.withPromise(new ProposalId(round + 1, self)));
    think();
  }

  /** Moves our claims forward as far as what we know allows; returns whether they changed. */
  public boolean think() {
    Claims before = knowledge.get(self);
    promiseHighest();
    requestAcceptance();
    acceptRequested();
    return !knowledge.get(self).equals(before);
  }

  /** Phase 1b: promise the highest proposal seen anywhere. */
  private void promiseHighest() {
    ProposalId highest = null;
    for (Claims c : knowledge.values()) {
      highest = ProposalId.max(highest, c.promise());
    }
    Claims mine = knowledge.get(self);
    if (ProposalId.compare(highest, mine.promise()) > 0) {
      knowledge.put(self, mine.withPromise(highest));
    }
  }

  /**
   * Phase 2a: when our own proposal holds promises from a quorum of peers, accept it with the
   * value of the highest proposal any of them accepted, or else with every peer we know.
   */
  private void requestAcceptance() {
    Claims mine = knowledge.get(self);
    ProposalId ours = mine.promise();
    if (ours == null || !ours.proposer().equals(self)
        || ProposalId.compare(mine.accepted(), ours) >= 0) {
      return;
    }
    Set<PeerName> promisers = new HashSet<>();
    Claims highestAccepted = null;
    for (Map.Entry<NodeId, Claims> e : knowledge.entrySet()) {
      Claims c = e.getValue();
      if (ours.equals(c.promise())) {
        promisers.add(e.getKey().peer());
        if (c.accepted() != null && (highestAccepted == null
            || c.accepted().compareTo(highestAccepted.accepted()) > 0)) {
          highestAccepted = c;
        }
      }
    }
    if (promisers.size() < quorum) {
      return;
    }
    if (highestAccepted != null) {
      knowledge.put(self, mine.withAccepted(ours, highestAccepted.value(),
          highestAccepted.origin()));
    } else {
      knowledge.put(self, mine.withAccepted(ours, new ArrayList<>(knownPeers()), ours));
    }
  }

  /** Phase 2b: accept what our promised proposer has accepted. */
  private void acceptRequested() {
    Claims mine = knowledge.get(self);
    if (mine.promise() == null || mine.promise().equals(mine.accepted())) {
      return;
    }
    Claims proposer = knowledge.get(mine.promise().proposer());
    if (proposer != null && mine.promise().equals(proposer.accepted())) {
      knowledge.put(self, mine.withAccepted(proposer.accepted(), proposer.value(),
          proposer.origin()));
    }
  }

  /** The agreed value, once a quorum of peers accepted proposals of one origin. */
  public Optional<List<PeerName>> consensus() {
    Map<ProposalId, Set<PeerName>> byOrigin = new TreeMap<>();
    Map<ProposalId, List<PeerName>> values = new TreeMap<>();
    for (Map.Entry<NodeId, Claims> e : knowledge.entrySet()) {
      Claims c = e.getValue();
      if (c.accepted() != null && c.origin() != null) {
        byOrigin.computeIfAbsent(c.origin(), o -> new HashSet<>()).add(e.getKey().peer());
        values.putIfAbsent(c.origin(), c.value());
      }
    }
    for (Map.Entry<ProposalId, Set<PeerName>> group : byOrigin.entrySet()) {
      if (group.getValue().size() >= quorum) {
        return Optional.of(values.get(group.getKey()));
      }
    }
    return Optional.empty();
  }

  /**
   * What is wrong with this node's state, if anything: it never accepted a proposal above the
   * one it promised, and every accepted proposal carries a value and its origin. Cheap: it looks
   * at this node's own claims only.
   */
  public Optional<String> checkInvariants() {
    Claims mine = knowledge.get(self);
    if (mine == null) {
      return Optional.of("paxos node " + self + " has no claims of its own");
    }
    if (mine.accepted() != null && (mine.value() == null || mine.origin() == null)) {
      return Optional.of("paxos node " + self + " accepted " + mine.accepted()
          + " without a value or origin");
    }
    if (ProposalId.compare(mine.accepted(), mine.promise()) > 0) {
      return Optional.of("paxos node " + self + " accepted " + mine.accepted()
          + " above its promise " + mine.promise());
    }
    return Optional.empty();
  }
}
