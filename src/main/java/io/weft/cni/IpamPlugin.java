package io.weft.cni;

import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.PrefixedAddress;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The commands, each as requests to the local agent. ADD claims the network's gateway (ident
 * {@code cni-gateway:ADDRESS}) before it allocates, so that no container gets that address; a
 * claim answered "owned by other peer" means another host holds it, and this host, which only
 * hands out addresses of ranges it owns, cannot give it away either.
 */
final class IpamPlugin {
  /** How long STATUS waits for the agent to have (or reach) a ring. */
  private static final long STATUS_WAIT_SECONDS = 5;
  /** After a failed ADD, how long freeing what it may have allocated may take. */
  private static final long UNDO_SECONDS = 10;

  private final NetworkConfig config;
  private final AgentHttp agent;

  IpamPlugin(NetworkConfig config) {
    this.config = config;
    this.agent = new AgentHttp(config.ipam().agentHost(), config.ipam().agentPort());
  }

  private long deadline() {
    return System.nanoTime() + config.ipam().timeoutSeconds() * 1_000_000_000L;
  }

  /** ADD: the address {@code requested} by the runtime ({@link RequestedAddress}), else any. */
  CniResult add(Attachment attachment, Optional<Long> requested) throws CniException {
    long deadline = deadline();
    Cidr subnet = subnet(deadline);
    // Absent a gateway, the subnet's first address is one (as host-local does): the bridge
    // plugin puts exactly that address on the host's bridge when the result names none.
    long gateway = config.ipam().gateway().orElse(subnet.hostRange().start());
    if (!subnet.contains(gateway)) {
      throw NetworkConfig.invalid("ipam 'gateway' " + Ip.format(gateway) + " lies outside the"
          + " subnet " + subnet + ": give a gateway inside the subnet");
    }
    if (subnet.size() > 2 && !subnet.hostRange().contains(gateway)) {
      throw NetworkConfig.invalid("ipam 'gateway' " + Ip.format(gateway) + " is the "
          + (gateway == subnet.address() ? "network" : "broadcast") + " address of the subnet "
          + subnet + ", which no host may use: give a gateway " + hosts(subnet));
    }
    if (requested.isPresent()) {
      long wanted = requested.get();
      if (!subnet.hostRange().contains(wanted) || wanted == gateway) {
        throw NetworkConfig.invalid("the runtime asked for " + Ip.format(wanted) + ", which is "
            + (wanted == gateway ? "the network's gateway" : "no host address of the network's"
            + " subnet " + subnet) + ": ask for an address " + hosts(subnet)
            + " other than the gateway");
      }
    }
    claimGateway(subnet, gateway, deadline);
    String ident = attachment.ident();
    try {
      PrefixedAddress address = requested.isPresent()
          ? claim(ident, subnet, requested.get(), deadline)
          : allocate(ident, subnet, deadline);
      if (address.address() == gateway) {
        throw new CniException(ErrorCode.GATEWAY_IN_USE, "the agent handed out the gateway "
            + Ip.format(gateway) + " (it came to this host after the gateway was claimed);"
            + " try again: the next ADD claims it first");
      }
      return new CniResult(address, Optional.of(gateway), config.ipam().routes());
    } catch (CniException | RuntimeException e) {
      undo(ident);
      if (e instanceof CniException c && c.code == ErrorCode.INVALID_NETWORK_CONFIG) {
        // The agent refused the subnet (outside its range), so no ADD with it can succeed:
        // drop the gateway claim that went before, which outside the range is only a record.
        undo(Attachment.gatewayIdent(Ip.format(gateway)));
      }
      throw e;
    }
  }

  /** Frees whatever a failed ADD may hold; the agent also cancels the request still waiting. */
  private void undo(String ident) {
    try {
      agent.send("DELETE", "/ip/" + AgentHttp.segment(ident),
          System.nanoTime() + UNDO_SECONDS * 1_000_000_000L);
    } catch (AgentHttp.Unanswered e) {
      // The runtime calls DEL after a failed ADD, which frees it then.
    }
  }

  private Cidr subnet(long deadline) throws CniException {
    if (config.ipam().subnet().isPresent()) {
      return config.ipam().subnet().get();
    }
    AgentHttp.Response r = call("GET", "/ipinfo/defaultsubnet", deadline);
    try {
      return Cidr.parse(r.body());
    } catch (IllegalArgumentException e) {
      throw refused("GET /ipinfo/defaultsubnet", r);
    }
  }

  private void claimGateway(Cidr subnet, long gateway, long deadline) throws CniException {
    String path = "/ip/" + AgentHttp.segment(Attachment.gatewayIdent(Ip.format(gateway))) + "/"
        + Ip.format(gateway) + "/" + subnet.prefix();
    AgentHttp.Response r = call("PUT", path, deadline);
    if (r.ok() || (r.status() == 409 && r.body().contains("owned by other peer"))) {
      return;
    }
    if (r.status() == 409) {
      throw new CniException(ErrorCode.GATEWAY_IN_USE, "the gateway " + Ip.format(gateway)
          + " is held by another allocation on this host, so a container could not be kept"
          + " from it: free it or choose another ipam 'gateway'", r.body());
    }
    throw answer("claiming the gateway " + Ip.format(gateway), r);
  }

  private PrefixedAddress allocate(String ident, Cidr subnet, long deadline)
      throws CniException {
    String path = "/ip/" + AgentHttp.segment(ident) + "/" + Ip.format(subnet.address()) + "/"
        + subnet.prefix();
    AgentHttp.Response r = call("POST", path, deadline);
    if (!r.ok()) {
      throw answer("allocating in " + subnet, r);
    }
    try {
      return PrefixedAddress.parse(r.body());
    } catch (IllegalArgumentException e) {
      throw refused("POST " + path, r);
    }
  }

  /** "from FIRST to LAST": the addresses a host of {@code subnet} may have. */
  private static String hosts(Cidr subnet) {
    return "from " + Ip.format(subnet.hostRange().start()) + " to "
        + Ip.format(subnet.hostRange().end() - 1);
  }

  private PrefixedAddress claim(String ident, Cidr subnet, long wanted, long deadline)
      throws CniException {
    String path = "/ip/" + AgentHttp.segment(ident) + "/" + Ip.format(wanted) + "/"
        + subnet.prefix();
    AgentHttp.Response r = call("PUT", path, deadline);
    if (r.status() == 409) {
      throw new CniException(ErrorCode.AGENT_REFUSED, "the runtime asked for "
          + Ip.format(wanted) + ", which weft cannot give this container: " + r.body()
          + " (ask for another address, or none)", r.body());
    }
    if (!r.ok()) {
      throw answer("claiming " + Ip.format(wanted), r);
    }
    return new PrefixedAddress(wanted, subnet.prefix());
  }

  void del(Attachment attachment) throws CniException {
    AgentHttp.Response r = call("DELETE", "/ip/" + AgentHttp.segment(attachment.ident()),
        deadline());
    // 400 is "holds no addresses": DEL of an unknown attachment succeeds.
    if (!r.ok() && r.status() != 400) {
      throw answer("freeing " + attachment.ident(), r);
    }
  }

  /**
   * The addresses of prevResult in this network's subnet are weft's, and must still be held by
   * the attachment; others come from later plugins of the chain, and are theirs to check.
   */
  void check(Attachment attachment) throws CniException {
    if (config.previousAddresses().isEmpty()) {
      throw NetworkConfig.invalid("CHECK needs 'prevResult' with the addresses ADD returned");
    }
    long deadline = deadline();
    Cidr subnet = subnet(deadline);
    List<String> ours = config.previousAddresses().stream()
        .filter(a -> subnet.contains(PrefixedAddress.parse(a).address())).toList();
    if (ours.isEmpty()) {
      throw new CniException(ErrorCode.ADDRESS_NOT_HELD, "prevResult holds no address in this"
          + " network's subnet " + subnet + ": the runtime's record of the attachment is not"
          + " weft's; recreate the container", String.join(" ", config.previousAddresses()));
    }
    String ident = attachment.ident();
    AgentHttp.Response r = call("GET", "/ip/" + AgentHttp.segment(ident) + "/"
        + Ip.format(subnet.address()) + "/" + subnet.prefix(), deadline);
    if (!r.ok()) {
      throw answer("looking up " + ident, r);
    }
    Set<String> held = Set.of(r.body().isEmpty() ? new String[0] : r.body().split(" "));
    for (String address : ours) {
      if (!held.contains(address)) {
        throw new CniException(ErrorCode.ADDRESS_NOT_HELD, "address " + address + " is no"
            + " longer held by " + ident + " (freed out of band?): recreate the container",
            "held now: " + (held.isEmpty() ? "nothing" : String.join(" ", held)));
      }
    }
  }

  /** Frees this network's attachments that the runtime no longer lists; the gateway stays. */
  void gc() throws CniException {
    long deadline = deadline();
    Set<String> keep = new HashSet<>();
    config.validAttachments().forEach(a -> keep.add(a.ident()));
    String prefix = Attachment.prefixOf(config.name());
    AgentHttp.Response r = call("GET", "/ip", deadline);
    if (!r.ok()) {
      throw answer("listing allocations", r);
    }
    for (String ident : owners(r.body())) {
      if (ident.startsWith(prefix) && !keep.contains(ident)) {
        AgentHttp.Response freed = call("DELETE", "/ip/" + AgentHttp.segment(ident), deadline);
        if (!freed.ok() && freed.status() != 400) {
          throw answer("freeing " + ident, freed);
        }
      }
    }
  }

  private static List<String> owners(String body) throws CniException {
    try {
      Object owned = ((Map<?, ?>) Json.parse(body)).get("owned");
      return ((List<?>) owned).stream().map(o -> String.valueOf(((Map<?, ?>) o)
          .get("containerid"))).toList();
    } catch (IOException | ClassCastException | NullPointerException e) {
      throw new CniException(ErrorCode.AGENT_REFUSED, "the agent's GET /ip answer is not the"
          + " expected JSON: is ipam 'agent' a weft agent?", body);
    }
  }

  /** Ready when the agent answers and has a ring (asking for the ring starts consensus). */
  void status() throws CniException {
    long deadline = System.nanoTime()
        + Math.min(STATUS_WAIT_SECONDS, config.ipam().timeoutSeconds()) * 1_000_000_000L;
    AgentHttp.Response r;
    try {
      r = agent.send("GET", "/ring", deadline);
    } catch (AgentHttp.Unanswered e) {
      throw new CniException(ErrorCode.PLUGIN_NOT_AVAILABLE, e.connected
          ? "the weft agent at " + agent.base() + " has no IP allocation ring yet: consensus"
              + " waits for a quorum of peers (see weft status)"
          : e.getMessage());
    }
    if (!r.ok()) {
      throw new CniException(ErrorCode.PLUGIN_NOT_AVAILABLE, "the weft agent at " + agent.base()
          + " cannot allocate now (" + r.status() + "): see weft status", r.body());
    }
  }

  private AgentHttp.Response call(String method, String path, long deadline)
      throws CniException {
    try {
      return agent.send(method, path, deadline);
    } catch (AgentHttp.Unanswered e) {
      throw new CniException(ErrorCode.TRY_AGAIN_LATER, e.connected ? "the weft agent did not"
          + " answer within ipam 'timeoutSeconds' (" + config.ipam().timeoutSeconds()
          + " s): consensus or free space may still be coming (see weft status)"
          : e.getMessage(), method + " " + agent.base() + path);
    }
  }

  /** A non-success answer as the error the runtime should see. */
  private CniException answer(String doing, AgentHttp.Response r) {
    return switch (r.status()) {
      case 400 -> new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "the weft agent refused "
          + doing + ": " + r.body() + " (check ipam 'subnet' and 'gateway' against the agent's"
          + " --ipalloc-range)", r.body());
      case 503 -> new CniException(ErrorCode.TRY_AGAIN_LATER, "the weft agent could not finish "
          + doing + " now: " + r.body(), r.body());
      default -> new CniException(ErrorCode.AGENT_REFUSED, "the weft agent refused " + doing
          + " (" + r.status() + "): " + r.body(), r.body());
    };
  }

  private static CniException refused(String request, AgentHttp.Response r) {
    return new CniException(ErrorCode.AGENT_REFUSED, "unexpected answer to " + request + " ("
        + r.status() + "): is ipam 'agent' a weft agent?", r.body());
  }
}
