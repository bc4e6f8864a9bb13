package io.weft.ipam;

import io.weft.ring.PeerName;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The other peers as this one knows them: their nicknames, and which are reachable now. */
final class Peers {
  final Map<PeerName, String> nicknames = new TreeMap<>();
  final Set<PeerName> reachable = new TreeSet<>();

  /** A peer named by its name or by its nickname. */
  Optional<PeerName> resolve(String who) {
    if (PeerName.isValid(who)) {
      return Optional.of(PeerName.parse(who));
    }
    return nicknames.entrySet().stream().filter(e -> e.getValue().equals(who))
        .map(Map.Entry::getKey).findFirst();
  }

  /** The name with the nickname, for messages. */
  String describe(PeerName peer) {
    String nick = nicknames.get(peer);
    return nick == null ? peer.toString() : peer + "(" + nick + ")";
  }
}
