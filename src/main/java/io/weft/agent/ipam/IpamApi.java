package io.weft.agent.ipam;

/**
 * The addresses of the local API on the event bus and its users. Failure codes are
 * {@link io.weft.ipam.ResultCode}'s.
 */
public final class IpamApi {
  /** The local consumer that answers IPAM requests on each agent. */
  public static final String ADDRESS = "weft.ipam";
  /** Where this agent's IPAM events are published, to this host's tools only. */
  public static final String EVENTS = "weft.events";
  /** Where every agent's IPAM events are published, cluster-wide: a tool's explicit choice. */
  public static final String ALL_EVENTS = "weft.events.all";

  private IpamApi() {}
}
