package io.weft.agent.ipam;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.ipam.Message;
import io.weft.net.Range;
import io.weft.paxos.Claims;
import io.weft.paxos.NodeId;
import io.weft.paxos.ProposalId;
import io.weft.ring.Entry;
import io.weft.ring.PeerName;
import io.weft.ring.RingState;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Allocator messages as JSON on the clustered event bus. Decoding checks every field: a peer
 * that sends garbage gets an {@link IllegalArgumentException}, never a crash.
 */
final class Wire {
  private Wire() {}

  static JsonObject encode(Message message) {
    JsonObject json = new JsonObject().put("from", message.from().toString());
    if (message instanceof Message.Gossip g) {
      json.put("type", "gossip").put("nickname", g.nickname()).put("observer", g.observer())
          .put("quorum", g.quorum());
      // Only when known: a peer that predates the field reads the quorum as before.
      if (g.peerCount() > 0) {
        json.put("peerCount", g.peerCount());
      }
      if (g.ring() != null) {
        json.put("ring", ring(g.ring()));
      }
      if (g.paxos() != null) {
        json.put("paxos", paxos(g.paxos()));
      }
      if (g.asking()) {
        json.put("asking", true);
      }
    } else if (message instanceof Message.RingUpdate u) {
      json.put("type", "ring").put("ring", ring(u.ring()));
    } else if (message instanceof Message.SpaceRequest r) {
      json.put("type", "space-request").put("start", r.range().start()).put("end", r.range().end());
    } else if (message instanceof Message.SpaceDenied d) {
      json.put("type", "space-denied").put("start", d.range().start()).put("end", d.range().end());
    }
    return json;
  }

  static Message decode(JsonObject json) {
    try {
      PeerName from = PeerName.parse(json.getString("from"));
      String type = json.getString("type", "");
      return switch (type) {
        case "gossip" -> new Message.Gossip(from, json.getString("nickname"),
            json.getBoolean("observer", false),
            json.containsKey("ring") ? ring(json.getJsonObject("ring")) : null,
            json.containsKey("paxos") ? paxos(json.getJsonArray("paxos")) : null,
            json.getInteger("quorum", 0), Math.max(0, json.getInteger("peerCount", 0)),
            json.getBoolean("asking", false));
        case "ring" -> new Message.RingUpdate(from, ring(json.getJsonObject("ring")));
        case "space-request" -> new Message.SpaceRequest(from, range(json));
        case "space-denied" -> new Message.SpaceDenied(from, range(json));
        default -> throw new IllegalArgumentException("unknown message type '" + type + "'");
      };
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed message: " + e.getMessage());
    }
  }

  private static Range range(JsonObject json) {
    return new Range(json.getLong("start"), json.getLong("end"));
  }

  static JsonObject ring(RingState ring) {
    JsonArray entries = new JsonArray();
    for (Entry e : ring.entries()) {
      entries.add(new JsonArray().add(e.token()).add(e.peer().toString()).add(e.version())
          .add(e.free()));
    }
    return new JsonObject().put("start", ring.universe().start()).put("end", ring.universe().end())
        .put("entries", entries).put("seeds", names(ring.seeds()))
        .put("removed", names(ring.removed()));
  }

  static RingState ring(JsonObject json) {
    List<Entry> entries = new ArrayList<>();
    for (Object o : json.getJsonArray("entries")) {
      JsonArray e = (JsonArray) o;
      entries.add(new Entry(e.getLong(0), PeerName.parse(e.getString(1)), e.getLong(2),
          e.getLong(3)));
    }
    return new RingState(new Range(json.getLong("start"), json.getLong("end")), entries,
        new ArrayList<>(peers(json.getJsonArray("seeds"))), peers(json.getJsonArray("removed")));
  }

  static JsonArray paxosJson(Map<NodeId, Claims> knowledge) {
    return paxos(knowledge);
  }

  static Map<NodeId, Claims> paxosMap(JsonArray nodes) {
    return paxos(nodes);
  }

  private static JsonArray paxos(Map<NodeId, Claims> knowledge) {
    JsonArray nodes = new JsonArray();
    knowledge.forEach((node, c) -> nodes.add(new JsonObject().put("node", node(node))
        .put("promise", proposal(c.promise())).put("accepted", proposal(c.accepted()))
        .put("value", c.value() == null ? null : names(c.value()))
        .put("origin", proposal(c.origin()))));
    return nodes;
  }

  private static Map<NodeId, Claims> paxos(JsonArray nodes) {
    Map<NodeId, Claims> knowledge = new TreeMap<>();
    for (Object o : nodes) {
      JsonObject n = (JsonObject) o;
      JsonArray value = n.getJsonArray("value");
      knowledge.put(node(n.getJsonObject("node")), new Claims(proposal(n.getJsonObject("promise")),
          proposal(n.getJsonObject("accepted")),
          value == null ? null : new ArrayList<>(peers(value)), proposal(n.getJsonObject("origin"))));
    }
    return knowledge;
  }

  private static JsonObject node(NodeId node) {
    return new JsonObject().put("peer", node.peer().toString()).put("uid", node.uid());
  }

  private static NodeId node(JsonObject json) {
    return new NodeId(PeerName.parse(json.getString("peer")), json.getLong("uid"));
  }

  private static JsonObject proposal(ProposalId p) {
    return p == null ? null : new JsonObject().put("round", p.round())
        .put("proposer", node(p.proposer()));
  }

  private static ProposalId proposal(JsonObject json) {
    if (json == null) {
      return null;
    }
    long round = json.getLong("round");
    if (round < 1) {
      throw new IllegalArgumentException("proposal round " + round + " is not positive");
    }
    return new ProposalId(round, node(json.getJsonObject("proposer")));
  }

  private static JsonArray names(java.util.Collection<PeerName> peers) {
    JsonArray names = new JsonArray();
    peers.forEach(p -> names.add(p.toString()));
    return names;
  }

  private static Set<PeerName> peers(JsonArray names) {
    Set<PeerName> peers = new LinkedHashSet<>();
    for (Object o : names) {
      peers.add(PeerName.parse((String) o));
    }
    return peers;
  }
}
