package io.weft.agent.ipam;

import io.weft.ipam.AllocatorConfig;
import io.weft.net.Cidr;
import io.weft.ring.PeerName;
import java.time.Duration;

/**
 * What the IPAM verticles need of the agent's configuration: this peer, its range and quorum, and
 * the few words the status JSON repeats. A record of its own so that this package does not depend
 * on the agent's start-up options (the agent package sits above it).
 *
 * @param peerCount the peer count launched with, gossiped so that peers launched with another
 *     one are warned about; 0 when only the quorum is given
 */
public record IpamSettings(PeerName self, String nickname, Cidr range, Cidr defaultSubnet,
    int quorum, boolean observer, Duration containerGrace, String clusterName, String version,
    java.util.List<PeerName> seeds, int peerCount) {

  public IpamSettings {
    seeds = java.util.List.copyOf(seeds);
  }

  /** Settings without a seed list (consensus). */
  public IpamSettings(PeerName self, String nickname, Cidr range, Cidr defaultSubnet,
      int quorum, boolean observer, Duration containerGrace, String clusterName, String version) {
    this(self, nickname, range, defaultSubnet, quorum, observer, containerGrace, clusterName,
        version, java.util.List.of(), 0);
  }

  /** The pure machines' configuration; {@code uid} tells this process from earlier ones. */
  public AllocatorConfig allocatorConfig(long uid) {
    return AllocatorConfig.of(self, uid, nickname, range, quorum, observer)
        .withContainerGraceMs(containerGrace.toMillis()).withSeeds(seeds)
        .withPeerCount(peerCount);
  }
}
