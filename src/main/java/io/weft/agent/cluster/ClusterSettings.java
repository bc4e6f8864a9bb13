package io.weft.agent.cluster;

import io.weft.net.HostPort;
import java.util.List;
import java.util.Optional;

/**
 * What cluster membership needs of the agent's configuration.
 *
 * @param clusterHost the host to pin membership to; empty means all interfaces
 * @param peers other agents' membership addresses to join
 */
public record ClusterSettings(String clusterName, Optional<String> clusterHost, int clusterPort,
    List<HostPort> peers) {
  public ClusterSettings {
    peers = List.copyOf(peers);
  }
}
