package io.weft.docker;

/** Capped exponential delays between reconnection attempts: initial, 2x, 4x, … up to max. */
final class Backoff {
  private final long initialMs;
  private final long maxMs;
  private long nextMs;

  Backoff(long initialMs, long maxMs) {
    if (initialMs <= 0 || maxMs < initialMs) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initialMs + ", "
          + maxMs);
    }
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.nextMs = initialMs;
  }

  /** The delay before the next attempt; each call doubles the one after, up to the cap. */
  long next() {
    long delay = nextMs;
    nextMs = Math.min(maxMs, nextMs * 2);
    return delay;
  }

  /** After a success the next failure waits the initial delay again. */
  void reset() {
    nextMs = initialMs;
  }
}
