package io.weft.ipam;

import io.weft.ring.PeerName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an operator must hear about other peers, each said once until it changes: rings refused
 * (seeded by different peers, or over another range) and peers launched with another peer count.
 */
final class PeerWarnings {
  /**
   * What a peer was launched for: its peer count (0 when it does not gossip one) and quorum.
   * Counts that give the same quorum (2 and 3 both give 2) still disagree: the operator meant
   * one cluster size and launched another, and the next peer added or replaced would split the
   * difference, so the count is compared whenever both sides know it. Without a count (gossip
   * from an older peer) only the quorum can be compared, as before.
   */
  private record Launch(int peerCount, int quorum) {
    boolean differsFrom(Launch other) {
      return bothCounted(other) ? peerCount != other.peerCount : quorum != other.quorum;
    }

    boolean bothCounted(Launch other) {
      return peerCount > 0 && other.peerCount > 0;
    }
  }

  private final AllocatorConfig config;
  private final Peers peers;
  private final Map<PeerName, String> refused = new TreeMap<>();
  private final Map<PeerName, Launch> otherLaunches = new TreeMap<>();

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

  /**
   * Peers launched with another peer count could seed a second ring: say so, once. Observers
   * have no vote, so neither their count nor ours as an observer matters.
   */
  void noteQuorum(Message.Gossip g, Outcome out) {
    if (config.observer() || g.observer() || g.quorum() <= 0) {
      return;
    }
    Launch theirs = new Launch(g.peerCount(), g.quorum());
    if (!theirs.differsFrom(mine())) {
      otherLaunches.remove(g.from());
    } else if (!theirs.equals(otherLaunches.put(g.from(), theirs))) {
      out.event(EventType.QUORUM_MISMATCH, null, null, g.from().toString(), quorumWarning(g.from(),
          theirs));
    }
  }

  private Launch mine() {
    return new Launch(config.peerCount(), config.quorum());
  }

  private String quorumWarning(PeerName peer, Launch theirs) {
    Launch mine = mine();
    String counts = theirs.bothCounted(mine)
        ? theirs.quorum() + " of " + theirs.peerCount() + " peers, this peer quorum "
            + mine.quorum() + " of " + mine.peerCount() + " peers"
        : theirs.quorum() + ", this peer " + mine.quorum();
    return "peer " + peers.describe(peer) + " uses quorum " + counts + ": they were launched"
        + " with different --init-peer-count or PEER lists; relaunch every peer with the same"
        + " --init-peer-count or PEER list (the number of peers in the cluster)";
  }

  Map<PeerName, String> refusals() {
    return refused;
  }

  List<String> quorumWarnings() {
    List<String> warnings = new ArrayList<>();
    otherLaunches.forEach((peer, theirs) -> warnings.add(quorumWarning(peer, theirs)));
    return warnings;
  }
}
