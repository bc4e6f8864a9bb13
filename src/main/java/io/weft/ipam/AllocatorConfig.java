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
 * @param seeds seed mode: the peers the ring is split among at start, without consensus (every
 *     peer launched with the same list builds the same ring); empty for consensus
 * @param peerCount the peer count it was launched with (--init-peer-count or PEERs + 1), which
 *     gives the quorum; 0 when only the quorum is known
 */
public record AllocatorConfig(PeerName self, long uid, String nickname, Cidr universe,
    int quorum, boolean observer, long retryMs, long gossipMs, long containerGraceMs,
    int claimTries, java.util.List<PeerName> seeds, int peerCount) {

  public AllocatorConfig {
    if (!observer && quorum < 1) {
      throw new IllegalArgumentException("an elector needs a quorum of at least 1");
    }
    if (peerCount < 0 || (!observer && peerCount > 0 && quorum != peerCount / 2 + 1)) {
      throw new IllegalArgumentException("peer count " + peerCount + " does not give quorum "
          + quorum);
    }
    seeds = java.util.List.copyOf(seeds);
  }

  /** An allocator whose peer count is not known, only its quorum. */
  public AllocatorConfig(PeerName self, long uid, String nickname, Cidr universe, int quorum,
      boolean observer, long retryMs, long gossipMs, long containerGraceMs, int claimTries,
      java.util.List<PeerName> seeds) {
    this(self, uid, nickname, universe, quorum, observer, retryMs, gossipMs, containerGraceMs,
        claimTries, seeds, 0);
  }

  /** A consensus-seeded allocator (no seed list). */
  public AllocatorConfig(PeerName self, long uid, String nickname, Cidr universe, int quorum,
      boolean observer, long retryMs, long gossipMs, long containerGraceMs, int claimTries) {
    this(self, uid, nickname, universe, quorum, observer, retryMs, gossipMs, containerGraceMs,
        claimTries, java.util.List.of());
  }

  /** Seed mode with {@code peers} (empty: consensus). */
  public AllocatorConfig withSeeds(java.util.List<PeerName> peers) {
    return new AllocatorConfig(self, uid, nickname, universe, quorum, observer, retryMs, gossipMs,
        containerGraceMs, claimTries, peers, peerCount);
  }

  /** Launched for {@code count} peers (its quorum must be the one that count gives). */
  public AllocatorConfig withPeerCount(int count) {
    return new AllocatorConfig(self, uid, nickname, universe, quorum, observer, retryMs, gossipMs,
        containerGraceMs, claimTries, seeds, count);
  }

  /** Defaults of the agent: retries every second, gossip every 5 s, 30 s grace. */
  public static AllocatorConfig of(PeerName self, long uid, String nickname, Cidr universe,
      int quorum, boolean observer) {
    return new AllocatorConfig(self, uid, nickname, universe, quorum, observer, 1_000, 5_000,
        30_000, 5);
  }

  public AllocatorConfig withContainerGraceMs(long graceMs) {
    return new AllocatorConfig(self, uid, nickname, universe, quorum, observer, retryMs, gossipMs,
        graceMs, claimTries, seeds, peerCount);
  }
}
