package io.weft.ipam;

import io.weft.net.Range;
import io.weft.paxos.Claims;
import io.weft.paxos.NodeId;
import io.weft.ring.PeerName;
import io.weft.ring.RingState;
import java.util.Map;

/** What allocators say to each other. Every message names its sender. */
public sealed interface Message {
  PeerName from();

  /**
   * A peer's whole state as gossiped to all: its ring (null before it has one), its Paxos
   * knowledge (null for observers and once a ring exists), its nickname and role, and the
   * peer count it was launched with and the quorum that gives (both 0 for observers, which have
   * no vote; the count is 0 too from a peer that does not gossip it, an older one), so that peers
   * launched with different counts notice; and whether it asks for a ring ({@code asking}: a
   * request waits for one), which from an observer makes the electors seed one, where an observer
   * merely heard of must not.
   */
  record Gossip(PeerName from, String nickname, boolean observer, RingState ring,
      Map<NodeId, Claims> paxos, int quorum, int peerCount,
      boolean asking) implements Message {

    /** This peer's gossip: who it is and what it was launched for, as {@code config} says. */
    static Gossip of(AllocatorConfig config, RingState ring, Map<NodeId, Claims> paxos,
        boolean asking) {
      boolean observer = config.observer();
      return new Gossip(config.self(), config.nickname(), observer, ring, paxos,
          observer ? 0 : config.quorum(), observer ? 0 : config.peerCount(), asking);
    }
  }

  /** Please give me free space in {@code range} (a one-address range claims that address). */
  record SpaceRequest(PeerName from, Range range) implements Message {}

  /** I have nothing free in {@code range} for you. */
  record SpaceDenied(PeerName from, Range range) implements Message {}

  /** My ring, sent to one peer (after a donation, or to a peer that has none). */
  record RingUpdate(PeerName from, RingState ring) implements Message {}
}
