package io.weft.agent.ipam;

/**
 * What the ring verticle tells the agent about its own health: the agent turns these into
 * readiness checks and, for failures, into stopping with a message.
 */
public interface IpamHealth {
  /** The peer was reset (DELETE /peer) and allocates no more. */
  void wasReset();

  /** The store could not commit (not for a full disk): nothing more may be answered. */
  void storeFailed(String why);

  /**
   * The disk under the store is full: changes wait and are written again until there is space,
   * and new ones are refused; {@code why} is what failed.
   */
  void storeFull(String why);

  /** The store writes again after {@link #storeFull}. */
  void storeWritable();

  /** State can no longer be trusted (a bug): the agent must stop. */
  void internalError(String why);
}
