package io.weft.agent;

/** The agent cannot start; the message says why and what to do. Exit code 1. */
public final class AgentStartException extends Exception {
  public AgentStartException(String message) {
    super(message, null, false, false);
  }
}
