package io.weft.agent.cluster;

import io.vertx.core.json.JsonObject;

/**
 * One agent in the cluster as its event-bus node metadata announces it. Vert.x node ids are new
 * at every start; the peer name is the identity that lasts.
 */
public record Member(String nodeId, String peerName, String nickname, String host, int busPort,
    String httpAddr, boolean observer, long startedAtMs) {

  public static JsonObject metadata(String peerName, String nickname, String httpAddr,
      boolean observer, long startedAtMs) {
    return new JsonObject().put("peerName", peerName).put("nickname", nickname)
        .put("httpAddr", httpAddr).put("observer", observer).put("startedAt", startedAtMs);
  }

  /** A member without weft's metadata (not a weft agent, or a stranger) gets "?" fields. */
  public static Member of(String nodeId, String host, int port, JsonObject given) {
    JsonObject metadata = given == null ? new JsonObject() : given;
    return new Member(nodeId, metadata.getString("peerName", "?"),
        metadata.getString("nickname", "?"), host, port, metadata.getString("httpAddr", ""),
        metadata.getBoolean("observer", false), metadata.getLong("startedAt", 0L));
  }

  /** Who started first; node id breaks ties so that exactly one of two duplicates is "later". */
  public boolean startedBefore(Member other) {
    if (startedAtMs != other.startedAtMs) {
      return startedAtMs < other.startedAtMs;
    }
    return nodeId.compareTo(other.nodeId) < 0;
  }

  public String label() {
    return peerName + "(" + nickname + ")";
  }

  JsonObject toJson() {
    return new JsonObject().put("nodeId", nodeId).put("name", peerName).put("nickname", nickname)
        .put("address", host + ":" + busPort).put("observer", observer);
  }
}
