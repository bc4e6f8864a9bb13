package io.weft.agent.ipam;

/**
 * Deliberate faults for the nemesis test only, chosen with the system property
 * {@code weft.test.hook}. {@code skip-store}: state changes are answered without being written
 * to the data directory, so that a {@code kill -9} loses answered allocations and the nemesis
 * checker can prove it notices. Never set it on a real agent; the agent warns at start when it is.
 */
final class TestHooks {
  static final String PROPERTY = "weft.test.hook";

  private TestHooks() {
  }

  /** Whether this agent answers without storing (the broken variant); warns when it does. */
  static boolean skipStore() {
    boolean skip = "skip-store".equals(System.getProperty(PROPERTY));
    if (skip) {
      org.slf4j.LoggerFactory.getLogger(TestHooks.class).warn("test hook {}=skip-store: answers"
          + " are NOT stored; never run an agent like this", PROPERTY);
    }
    return skip;
  }
}
