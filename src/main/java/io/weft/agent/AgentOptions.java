package io.weft.agent;

import io.weft.net.Cidr;
import io.weft.net.HostPort;
import io.weft.ring.PeerName;
import io.weft.tls.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@code weft launch} was told, already validated by the CLI.
 *
 * @param initPeerCount the expected number of peers, or 0 to count the PEER arguments
 * @param name the peer name to use instead of the stored one, if any
 * @param clusterHost the host to pin membership and the event bus to; empty means all interfaces
 * @param bridgeAddr where the event-bus TCP bridge listens; empty when disabled
 * @param dockerHost the Docker API URI; empty when disabled
 * @param seeds seed mode ({@code --ipalloc-init seed=...}): the peers the ring is split among at
 *     start without consensus; empty for consensus
 * @param tls the checked certificate, key and CA for mutual TLS between peers; empty for none
 * @param dockerPlugin the unix socket of the Docker IPAM driver; empty when disabled
 */
public record AgentOptions(int initPeerCount, boolean observer, Cidr range, Cidr defaultSubnet,
    Optional<PeerName> name, String nickname, Path dataDir, HostPort httpAddr,
    Optional<String> clusterHost, int clusterPort, int busPort, Optional<HostPort> bridgeAddr,
    Optional<String> dockerHost, Duration containerGrace, String clusterName,
    List<HostPort> peers, List<PeerName> seeds, Optional<TlsFiles> tls,
    Optional<Path> dockerPlugin) {

  public static final int DEFAULT_CLUSTER_PORT = 6783;
  public static final int DEFAULT_HTTP_PORT = 6784;
  public static final int DEFAULT_BUS_PORT = 6785;
  public static final int DEFAULT_BRIDGE_PORT = 6786;

  public AgentOptions {
    peers = List.copyOf(peers);
    seeds = List.copyOf(seeds);
  }

  /** Options for an embedded agent: consensus, no TLS, no Docker IPAM driver. */
  public AgentOptions(int initPeerCount, boolean observer, Cidr range, Cidr defaultSubnet,
      Optional<PeerName> name, String nickname, Path dataDir, HostPort httpAddr,
      Optional<String> clusterHost, int clusterPort, int busPort, Optional<HostPort> bridgeAddr,
      Optional<String> dockerHost, Duration containerGrace, String clusterName,
      List<HostPort> peers) {
    this(initPeerCount, observer, range, defaultSubnet, name, nickname, dataDir, httpAddr,
        clusterHost, clusterPort, busPort, bridgeAddr, dockerHost, containerGrace, clusterName,
        peers, List.of(), Optional.empty(), Optional.empty());
  }

  /** The init peer count, else the PEER arguments plus this peer. */
  public int peerCount() {
    return initPeerCount > 0 ? initPeerCount : peers.size() + 1;
  }

  /** floor(n/2)+1 with n the {@link #peerCount}. */
  public int quorum() {
    return peerCount() / 2 + 1;
  }
}
