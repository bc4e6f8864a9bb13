package io.weft.cni;

/**
 * The error codes the plugin answers with: the specification's well-known codes (below 100) and
 * weft's own (100 and up).
 */
enum ErrorCode {
  /** The config asks for a CNI version this plugin cannot speak, or a command that version lacks. */
  INCOMPATIBLE_CNI_VERSION(1),
  /** A {@code CNI_*} variable is missing or malformed. */
  INVALID_ENVIRONMENT(4),
  /** Reading stdin failed. */
  IO_FAILURE(5),
  /** Stdin is not JSON. */
  DECODING_FAILURE(6),
  /** The network config is JSON but wrong: a key missing, of the wrong type, or out of range. */
  INVALID_NETWORK_CONFIG(7),
  /** The agent is not reachable, or the wait timed out: the runtime may retry. */
  TRY_AGAIN_LATER(11),
  /** STATUS: the plugin cannot serve ADD now (no agent, or no ring yet). */
  PLUGIN_NOT_AVAILABLE(50),
  /** The agent refused the request (a full subnet, an address held by someone else). */
  AGENT_REFUSED(100),
  /** CHECK: the attachment's address is no longer held by it. */
  ADDRESS_NOT_HELD(101),
  /** The gateway address is held by another ident, so it cannot be kept from containers. */
  GATEWAY_IN_USE(102);

  final int code;

  ErrorCode(int code) {
    this.code = code;
  }
}
