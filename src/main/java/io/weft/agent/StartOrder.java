package io.weft.agent;

import io.weft.ipam.PersistedState;
import io.weft.ring.PeerName;
import java.util.List;

/**
 * Which half of an agent starts first. On two cores each delays the other: the local side that
 * serves (HTTP, the ring verticle, the tools), and the cluster join, whose Hazelcast start-up
 * costs about as much CPU again.
 */
enum StartOrder {
  /**
   * A peer that can allocate without the cluster (it has a ring, its ring comes from seeds, or
   * its quorum is itself): the local side first, so that it serves from its own ranges at once,
   * and Hazelcast after.
   */
  SERVE_FIRST,
  /**
   * A fresh peer of a cluster: it has nothing to allocate from until a quorum agrees on a ring,
   * and most of Hazelcast's join is waiting (a master question a second until its connection
   * timeout, then a claim), which passes while the local side starts.
   */
  JOIN_FIRST;

  static StartOrder of(PersistedState restored, List<PeerName> seeds, int quorum) {
    boolean needsConsensus = restored.ring().isEmpty() && seeds.isEmpty() && quorum > 1;
    return needsConsensus ? JOIN_FIRST : SERVE_FIRST;
  }
}
