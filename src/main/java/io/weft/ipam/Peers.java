package io.weft.ipam;

import io.weft.ring.PeerName;
import java.util.Collection;
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

  /**
   * Why {@code peer} (as the operator named it: {@code who}) cannot be removed by rmpeer:
   * unknown, this peer itself, or reachable right now without {@code force}.
   */
  Optional<Result> whyNotRemovable(String who, Optional<PeerName> peer, PeerName self,
      boolean force) {
    if (peer.isEmpty()) {
      return Optional.of(Result.failed(ResultCode.NOT_FOUND, "no peer is named or nicknamed '"
          + who + "' (see weft status for the known peers)"));
    }
    if (peer.get().equals(self)) {
      return Optional.of(Result.failed(ResultCode.BAD_REQUEST,
          "cannot remove this peer from itself: run 'weft reset' on it instead"));
    }
    if (reachable.contains(peer.get()) && !force) {
      return Optional.of(Result.failed(ResultCode.CONFLICT, "peer " + describe(peer.get())
          + " is reachable right now: stop it first, or use --force if it is really gone"));
    }
    return Optional.empty();
  }

  /** Who takes over this peer's ranges on reset: a reachable owner, else any reachable peer. */
  Optional<PeerName> heir(Collection<PeerName> owners, PeerName self) {
    for (PeerName owner : owners) {
      if (!owner.equals(self) && reachable.contains(owner)) {
        return Optional.of(owner);
      }
    }
    return reachable.stream().findFirst()
        .or(() -> owners.stream().filter(p -> !p.equals(self)).findFirst());
  }
}
