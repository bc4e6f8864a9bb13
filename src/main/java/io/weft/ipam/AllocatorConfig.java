package io.weft.ipam;

import io.weft.net.Cidr;
import io.weft.ring.PeerName;

/**
 * How one allocator is set up.
 *
 * @param uid a random id drawn at each process start: this incarnation's Paxos identity
 * @param quorum votes needed to seed the ring; ignored for observers
 * @param retryMs how long a pending request waits before asking a peer for space again
 * @param gossipMs how often the whole state is gossiped even without changes (anti-entropy)
 * @param containerGraceMs how long a dead container keeps its addresses
 * @param claimTries how many times a claim asks an unreachable owner before giving up
 */
public record AllocatorConfig(PeerName self, long uid, String nickname, Cidr universe,
    int quorum, boolean observer, long retryMs, long gossipMs, long containerGraceMs,
    int claimTries) {

  public AllocatorConfig {
    if (!observer && quorum < 1) {
      throw new IllegalArgumentException("an elector needs a quorum of at least 1");
    }
  }

  /** Defaults of the agent: retries every second, gossip every 5 s, 30 s grace. */
  public static AllocatorConfig of(PeerName self, long uid, String nickname, Cidr universe,
      int quorum, boolean observer) {
    return new AllocatorConfig(self, uid, nickname, universe, quorum, observer, 1_000, 5_000,
        30_000, 5);
  }

  public AllocatorConfig withContainerGraceMs(long graceMs) {
    return new AllocatorConfig(self, uid, nickname, universe, quorum, observer, retryMs, gossipMs,
        graceMs, claimTries);
  }
}
