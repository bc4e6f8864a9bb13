package io.weft.agent.ipam;

/** Names shared by the local API on the event bus (DESIGN section 7) and its users. */
public final class IpamApi {
  /** The local consumer that answers IPAM requests on each agent. */
  public static final String ADDRESS = "weft.ipam";
  /** Where IPAM events are published. */
  public static final String EVENTS = "weft.events";

  public static final int BAD_REQUEST = 400;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;
  public static final int UNAVAILABLE = 503;

  private IpamApi() {}
}
