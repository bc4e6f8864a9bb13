package io.weft.it.nemesis;

/**
 * One client operation: what was asked of which host, when it was invoked and completed
 * (nanoseconds since the run started) and how it ended. {@code address} is the address answered
 * (allocate) or asked for (claim, free), without its prefix; null for delete and failed
 * allocations.
 */
public record Op(int host, Kind kind, String ident, String address, long invoked, long completed,
    Outcome outcome, String detail) {

  /** The operations clients issue. */
  public enum Kind { ALLOCATE, CLAIM, FREE, DELETE }

  /**
   * OK: answered with success. FAILED: answered with an error, or never sent (connection
   * refused), so it had no effect. UNKNOWN: timed out or cut off; it may or may not have taken
   * effect.
   */
  public enum Outcome { OK, FAILED, UNKNOWN }

  /** Whether this operation gives its ident an address. */
  boolean grants() {
    return (kind == Kind.ALLOCATE || kind == Kind.CLAIM) && outcome == Outcome.OK
        && address != null;
  }

  /** Whether this operation may have taken {@code addr} (null: any) away from its ident. */
  boolean mayRelease(String addr) {
    if (outcome == Outcome.FAILED) {
      return false;
    }
    return kind == Kind.DELETE || (kind == Kind.FREE && (addr == null || addr.equals(address)));
  }

  double invokedSeconds() {
    return invoked / 1e9;
  }

  double latencyMs() {
    return (completed - invoked) / 1e6;
  }
}
