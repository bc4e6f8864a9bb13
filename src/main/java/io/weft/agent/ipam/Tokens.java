package io.weft.agent.ipam;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names for waiting requests, so that a client that goes away can cancel its own. They only have
 * to be unique within this agent: a counter under a random prefix is enough, and far cheaper
 * than a random UUID per request (SecureRandom showed in profiles of the HTTP API).
 */
public final class Tokens {
  private static final String PREFIX = Long.toHexString(ThreadLocalRandom.current().nextLong())
      + "-";
  private static final AtomicLong NEXT = new AtomicLong();

  private Tokens() {}

  public static String next() {
    return PREFIX + NEXT.incrementAndGet();
  }
}
