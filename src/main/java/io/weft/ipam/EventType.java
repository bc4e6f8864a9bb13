package io.weft.ipam;

/**
 * What happened, as published on {@code weft.events}: each type with the name tools see in the
 * event's {@code type} field.
 */
public enum EventType {
  /** An ident got an address ({@code id}, {@code address}). */
  ALLOCATED("allocated"),
  /** An address was released ({@code id}, {@code address}). */
  FREED("freed"),
  /** This peer has a ring ({@code peer}: this peer). */
  CONSENSUS_ACHIEVED("consensus-achieved"),
  /** A peer joined the cluster ({@code peer}). */
  PEER_JOINED("peer-joined"),
  /** A peer left the cluster ({@code peer}). */
  PEER_LEFT("peer-left"),
  /** A peer's ring was refused ({@code peer}, {@code reason}). */
  MERGE_REFUSED("merge-refused"),
  /** A peer was launched with another quorum ({@code peer}, {@code reason}). */
  QUORUM_MISMATCH("quorum-mismatch");

  private final String wireName;

  EventType(String wireName) {
    this.wireName = wireName;
  }

  /** The {@code type} field of the published event. */
  public String wireName() {
    return wireName;
  }
}
