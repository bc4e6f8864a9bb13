package io.weft.agent.ipam;

/**
 * The addresses of the local API on the event bus and its users. Failure codes are
 * {@link io.weft.ipam.ResultCode}'s.
 */
public final class IpamApi {
  /** The local consumer that answers IPAM requests on each agent. */
  public static final String ADDRESS = "weft.ipam";
  /** Where IPAM events are published. */
  public static final String EVENTS = "weft.events";

  private IpamApi() {}
}
