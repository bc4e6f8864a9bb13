package io.weft.ipam;

import io.weft.ring.PeerName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an operator must hear about other peers, each said once until it changes: rings refused
 * (seeded by different peers, or over another range) and peers launched with another quorum.
 */
final class PeerWarnings {
  private final AllocatorConfig config;
  private final Peers peers;
  private final Map<PeerName, String> refused = new TreeMap<>();
  private final Map<PeerName, Integer> otherQuorums = new TreeMap<>();

  PeerWarnings(AllocatorConfig config, Peers peers) {
    this.config = config;
    this.peers = peers;
  }

  /** The ring of {@code from} was refused: an event, unless the reason is the same as before. */
  void refused(PeerName from, String why, Outcome out) {
    if (!why.equals(refused.put(from, why))) {
      out.event(EventType.MERGE_REFUSED, null, null, from.toString(), why);
    }
  }

  void accepted(PeerName from) {
    refused.remove(from);
  }

  /** Peers launched with another peer count could seed a second ring: say so, once. */
  void noteQuorum(Message.Gossip g, Outcome out) {
    if (config.observer() || g.observer() || g.quorum() <= 0) {
      return;
    }
    if (g.quorum() == config.quorum()) {
      otherQuorums.remove(g.from());
    } else if (!Integer.valueOf(g.quorum()).equals(otherQuorums.put(g.from(), g.quorum()))) {
      out.event(EventType.QUORUM_MISMATCH, null, null, g.from().toString(), quorumWarning(g.from(),
          g.quorum()));
    }
  }

  private String quorumWarning(PeerName peer, int quorum) {
    return "peer " + peers.describe(peer) + " uses quorum " + quorum + ", this peer "
        + config.quorum() + ": they were launched with different --init-peer-count or PEER"
        + " lists; relaunch them with the current number of peers";
  }

  Map<PeerName, String> refusals() {
    return refused;
  }

  List<String> quorumWarnings() {
    List<String> warnings = new ArrayList<>();
    otherQuorums.forEach((peer, quorum) -> warnings.add(quorumWarning(peer, quorum)));
    return warnings;
  }
}
