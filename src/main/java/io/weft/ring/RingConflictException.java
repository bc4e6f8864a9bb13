package io.weft.ring;

/**
 * A received ring that cannot be merged into ours. The ring is left unchanged; the caller refuses
 * the sender's ring and reports {@link #getMessage()} to the operator.
 */
public final class RingConflictException extends Exception {

  /** Why a merge was refused. */
  public enum Kind {
    /** The two rings were seeded by different peer sets: two clusters that never agreed. */
    DIFFERENT_SEEDS,
    /** The two rings cover different universes ({@code --ipalloc-range} differs). */
    DIFFERENT_RANGE,
    /** The received ring breaks the ring invariants. */
    INVALID,
    /** The received ring hands away addresses that are allocated here. */
    CONFLICT,
    /** The received ring says this peer was removed with rmpeer. */
    REMOVED
  }

  private final Kind kind;

  public RingConflictException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
