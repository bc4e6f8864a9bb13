package io.weft.agent.ipam;

/**
 * What the ring verticle tells the agent about its own health: the agent turns these into
 * readiness checks and, for failures, into stopping with a message.
 */
public interface IpamHealth {
  /** The peer was reset (DELETE /peer) and allocates no more. */
  void wasReset();

  /** The store could not commit: nothing more may be answered. */
  void storeFailed(String why);

  /** State can no longer be trusted (a bug): the agent must stop. */
  void internalError(String why);
}
