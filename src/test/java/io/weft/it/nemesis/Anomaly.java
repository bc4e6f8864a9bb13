package io.weft.it.nemesis;

/** Something the checker found wrong, with the evidence a person needs to replay it. */
public record Anomaly(Kind kind, String evidence) {

  /** The properties the checker judges. */
  public enum Kind {
    /** An address held by two idents at the end. */
    HELD_TWICE,
    /** An address answered to two idents while both held it. */
    ANSWERED_TWICE,
    /** An allocation answered ok and never released is no longer held. */
    LOST,
    /** The rings did not converge after the final heal, or a ring names a dead peer. */
    RING,
    /** An agent exited without the nemesis killing it. */
    EXITED,
    /** An ERROR in a log that no fault explains. */
    ERROR_LOGGED
  }

  @Override
  public String toString() {
    return kind + ": " + evidence;
  }
}
