package io.weft.paxos;

import io.weft.ring.PeerName;

/**
 * One Paxos participant: a peer plus a random id drawn at each process start, so that a restarted
 * peer proposes under a fresh identity. Quorums count peer names, not node ids: a restarted peer
 * never votes twice.
 */
public record NodeId(PeerName peer, long uid) implements Comparable<NodeId> {
  @Override
  public int compareTo(NodeId other) {
    int c = peer.compareTo(other.peer);
    return c != 0 ? c : Long.compare(uid, other.uid);
  }

  @Override
  public String toString() {
    return peer + "/" + Long.toHexString(uid);
  }
}
