package io.weft.agent.ipam;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.agent.cluster.Member;
import io.weft.agent.cluster.Membership;
import io.weft.cni.AttachmentCount;
import io.weft.docker.DockerStatus;
import io.weft.ipam.Allocator;
import io.weft.ipam.AllocatorStatus;
import io.weft.ring.PeerName;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The JSON of {@code /status} and the text of {@code /status/ipam}. */
final class StatusReport {
  private StatusReport() {}

  static JsonObject json(Allocator allocator, IpamSettings options, Membership membership,
      String dataFile, DockerStatus docker) {
    AllocatorStatus status = allocator.status();
    PeerName self = allocator.config().self();
    Map<PeerName, Long> owned = status.ownedByPeer();
    Map<PeerName, Long> free = status.freeByPeer();
    Map<PeerName, String> nicknames = status.nicknames();
    // Every peer the ring knows (owners, nicknamed peers, removed ones, marked so) and every
    // peer in the cluster now.
    Set<PeerName> known = new TreeSet<>(owned.keySet());
    known.addAll(nicknames.keySet());
    known.addAll(status.removedPeers());
    for (Member m : membership.members()) {
      known.add(PeerName.parse(m.peerName()));
    }
    JsonArray peers = new JsonArray();
    peers.add(peer(self, nicknames, true, owned, free).put("removed", false));
    for (PeerName p : known) {
      if (!p.equals(self)) {
        peers.add(peer(p, nicknames, status.reachable().contains(p), owned, free)
            .put("removed", status.removedPeers().contains(p)));
      }
    }
    JsonArray warnings = new JsonArray(new java.util.ArrayList<>(status.quorumWarnings()));
    membership.tls().warning(options.quorum() > 1 || membership.listed() > 1)
        .ifPresent(warnings::add);
    // One entry per reason, naming every peer refused for it: the same seed mismatch from a
    // whole other cluster is one error, not one line per peer that says no more.
    Map<String, List<String>> refusedFrom = new java.util.LinkedHashMap<>();
    new java.util.TreeMap<>(status.refusals()).forEach((peer, message) -> refusedFrom
        .computeIfAbsent(message, m -> new java.util.ArrayList<>())
        .add(nicknames.containsKey(peer) ? peer + "(" + nicknames.get(peer) + ")"
            : peer.toString()));
    JsonArray errors = new JsonArray();
    refusedFrom.forEach((message, from) -> errors.add(message + " (refused from "
        + String.join(", ", from) + ")"));
    return new JsonObject()
        .put("version", options.version())
        .put("name", self.toString())
        .put("nickname", allocator.config().nickname())
        .put("consensus", status.consensus().name().toLowerCase(Locale.ROOT))
        .put("quorum", options.quorum())
        .put("knownElectors", status.knownElectors())
        .put("observer", options.observer())
        .put("range", options.range().toString())
        .put("defaultSubnet", options.defaultSubnet().toString())
        .put("activeAddresses", status.activeAddresses())
        .put("pendingAllocations", status.pendingAllocations())
        .put("pendingClaims", status.pendingClaims())
        .put("peers", peers)
        .put("errors", errors)
        .put("warnings", warnings)
        .put("docker", docker.word())
        .put("dockerDetail", docker.details())
        .put("cni", cni(AttachmentCount.of(allocator.idents())))
        .put("persistence", "sqlite")
        .put("dataFile", dataFile)
        .put("clusterName", options.clusterName())
        // Until Hazelcast has joined, this peer serves from its own ranges and reaches no one.
        .put("cluster", membership.self() == null ? "joining" : "joined")
        .put("reset", allocator.isShutDown());
  }

  /** {@code {"attachments": N, "networks": {"NAME": N, ...}}}, networks sorted by name. */
  static JsonObject cni(AttachmentCount count) {
    JsonObject networks = new JsonObject();
    count.byNetwork().forEach(networks::put);
    return new JsonObject().put("attachments", count.attachments()).put("networks", networks);
  }

  private static JsonObject peer(PeerName p, Map<PeerName, String> nicknames, boolean reachable,
      Map<PeerName, Long> owned, Map<PeerName, Long> free) {
    return new JsonObject().put("name", p.toString()).put("nickname", nicknames.getOrDefault(p, ""))
        .put("reachable", reachable).put("owned", owned.getOrDefault(p, 0L))
        .put("free", free.getOrDefault(p, 0L));
  }

  /**
   * Exactly Weave's {@code /status/ipam}: nothing before a ring exists (scripts read an empty
   * answer as "no consensus yet"), then a line per peer that owns space, this one first, each
   * ended by a newline: {@code %-37s %8d IPs (%04.1f%% of total) INFO}, INFO being
   * {@code (N active)} here, {@code - unreachable!} for a peer out of reach, else empty.
   */
  static String ipamText(Allocator allocator) {
    AllocatorStatus status = allocator.status();
    PeerName self = allocator.config().self();
    Map<PeerName, Long> owned = status.ownedByPeer();
    Map<PeerName, String> nicknames = status.nicknames();
    long universe = allocator.config().universe().size();
    StringBuilder text = new StringBuilder();
    if (owned.getOrDefault(self, 0L) > 0) {
      text.append(line(self, nicknames, owned.get(self), universe,
          "(" + status.activeAddresses() + " active)"));
    }
    for (Map.Entry<PeerName, Long> e : owned.entrySet()) {
      if (!e.getKey().equals(self) && e.getValue() > 0) {
        text.append(line(e.getKey(), nicknames, e.getValue(), universe,
            status.reachable().contains(e.getKey()) ? "" : "- unreachable!"));
      }
    }
    return text.toString();
  }

  private static String line(PeerName p, Map<PeerName, String> nicknames, long owned,
      long universe, String info) {
    String who = p + "(" + nicknames.getOrDefault(p, "") + ")";
    return String.format(Locale.ROOT, "%-37s %8d IPs (%04.1f%% of total) %s\n", who, owned,
        100.0 * owned / universe, info);
  }
}
