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
  /**
   * Local only, internal: a tool that starts listening to {@link #ALL_EVENTS} sends +1 here, and
   * -1 when it stops. Only while some do does this agent ask its peers for their events, so that
   * allocations are not broadcast to every peer when no tool anywhere wants them.
   */
  public static final String ALL_EVENTS_LISTENERS = "weft.events.all.listeners";
  /**
   * Local only, internal: the agent is stopping. Every waiting request is answered 503 before
   * the HTTP server and the bridge close, so that no client sees its connection simply drop.
   */
  public static final String STOPPING = "weft.ipam.stopping";

  private IpamApi() {}
}
