package io.weft.agent;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The only owner of IPAM state on this host: answers {@code weft.ipam} for the HTTP API, the
 * event-bus bridge and the container watcher. Until the allocator lands it answers status and
 * refuses every allocation operation with a clear "not available yet".
 */
final class RingVerticle extends VerticleBase {
  private final AgentOptions options;
  private final Membership membership;
  private final String storeFile;
  private MessageConsumer<JsonObject> consumer;

  RingVerticle(AgentOptions options, Membership membership, String storeFile) {
    this.options = options;
    this.membership = membership;
    this.storeFile = storeFile;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(IpamApi.ADDRESS, this::handle);
    return consumer.completion();
  }

  private void handle(Message<JsonObject> message) {
    JsonObject body = message.body();
    String op = body == null ? null : body.getString("op");
    if (op == null) {
      message.fail(IpamApi.BAD_REQUEST, "the request has no 'op': send JSON with an op such as"
          + " {\"op\":\"status\"}");
      return;
    }
    switch (op) {
      case "status" -> message.reply(status());
      case "allocate", "claim", "lookup", "free", "delete", "owned", "consense", "ring",
          "rmpeer", "reset", "status-ipam" -> message.fail(IpamApi.NOT_IMPLEMENTED,
          "'" + op + "' is not available yet: this weft build has no address allocator;"
              + " upgrade to a build with the distributed allocator");
      default -> message.fail(IpamApi.BAD_REQUEST, "unknown op '" + op + "': use one of"
          + " allocate, claim, lookup, free, delete, status, consense");
    }
  }

  private JsonObject status() {
    Member self = membership.self();
    JsonArray peers = new JsonArray();
    int electors = 0;
    for (Member m : membership.members()) {
      peers.add(new JsonObject().put("name", m.peerName()).put("nickname", m.nickname())
          .put("reachable", true).put("owned", 0).put("free", 0)
          .put("address", m.host() + ":" + m.busPort()));
      electors += m.observer() ? 0 : 1;
    }
    String docker = options.dockerHost().isPresent() ? "unavailable" : "disabled";
    return new JsonObject()
        .put("version", Version.text())
        .put("name", self.peerName())
        .put("nickname", self.nickname())
        .put("consensus", "deferred")
        .put("quorum", options.quorum())
        .put("knownElectors", electors)
        .put("observer", options.observer())
        .put("range", options.range().toString())
        .put("defaultSubnet", options.defaultSubnet().toString())
        .put("activeAddresses", 0)
        .put("pendingAllocations", 0)
        .put("pendingClaims", 0)
        .put("peers", peers)
        .put("errors", new JsonArray())
        .put("docker", docker)
        .put("dockerError", docker.equals("unavailable")
            ? "container watching is not available yet in this build" : null)
        .put("persistence", "none")
        .put("dataFile", storeFile)
        .put("clusterName", options.clusterName());
  }
}
