package io.weft.ring;

/**
 * One ring entry: {@code peer} owns the addresses from {@code token} up to the next token.
 * {@code version} orders changes to the entry (only the owner bumps it); {@code free} is the
 * owner's last report of free addresses in it, a hint for choosing donors.
 */
public record Entry(long token, PeerName peer, long version, long free) {

  Entry withOwner(PeerName newOwner, long newFree) {
    return new Entry(token, newOwner, version + 1, newFree);
  }

  Entry withFree(long newFree) {
    return new Entry(token, peer, version + 1, newFree);
  }

  Entry withVersion(long newVersion) {
    return new Entry(token, peer, newVersion, free);
  }

  /** Same token, owner and version: free counts are hints and do not make entries differ. */
  boolean sameAs(Entry other) {
    return token == other.token && peer.equals(other.peer) && version == other.version;
  }
}
