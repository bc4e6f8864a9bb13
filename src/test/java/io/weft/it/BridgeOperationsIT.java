package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every operation of the event-bus API and every event, through the TCP bridge from this test's
 * process (the agents are processes of their own).
 */
class BridgeOperationsIT {

  /** A bridge client: request/reply frames on one socket, events collected on another. */
  static final class Tool implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int next;

    Tool(int port) throws Exception {
      socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(60_000);
      in = new DataInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    void write(JsonObject frame) throws Exception {
      byte[] data = frame.encode().getBytes(StandardCharsets.UTF_8);
      out.write(ByteBuffer.allocate(4 + data.length).putInt(data.length).put(data).array());
      out.flush();
    }

    JsonObject read() throws Exception {
      byte[] data = new byte[in.readInt()];
      in.readFully(data);
      return new JsonObject(new String(data, StandardCharsets.UTF_8));
    }

    /** Sends {@code body} to weft.ipam and returns the reply frame (message or err). */
    JsonObject ask(JsonObject body) throws Exception {
      String reply = "reply-" + next++;
      write(new JsonObject().put("type", "send").put("address", "weft.ipam")
          .put("replyAddress", reply).put("body", body));
      JsonObject answer = read();
      assertThat(answer.getString("address")).isEqualTo(reply);
      return answer;
    }

    JsonObject ok(JsonObject body) throws Exception {
      JsonObject answer = ask(body);
      assertThat(answer.getString("type")).as(answer.encode()).isEqualTo("message");
      return answer.getJsonObject("body");
    }

    /** Reads events until one of {@code type} arrives; returns it. */
    JsonObject event(String type) throws Exception {
      for (;;) {
        JsonObject frame = read();
        assertThat(frame.getString("address")).isEqualTo("weft.events");
        if (type.equals(frame.getJsonObject("body").getString("type"))) {
          return frame.getJsonObject("body");
        }
      }
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }

  static JsonObject op(String name) {
    return new JsonObject().put("op", name);
  }

  @Test
  void everyOperationAndEvent(@TempDir Path dir) throws Exception {
    int port = AgentProcess.freePort();
    try (AgentProcess a = new AgentProcess(dir.resolve("a"))) {
      a.start("--init-peer-count", "1", "--bridge-addr", "127.0.0.1:" + port)
          .awaitLive(Duration.ofSeconds(60));
      try (Tool tool = new Tool(port); Tool events = new Tool(port)) {
        events.write(new JsonObject().put("type", "register").put("address", "weft.events"));
        events.write(new JsonObject().put("type", "ping"));
        assertThat(events.read().getString("type")).isEqualTo("pong");

        assertThat(tool.ok(op("consense")).getString("consensus")).isEqualTo("achieved");
        assertThat(events.event("consensus-achieved").getString("type")).isNotNull();

        String first = tool.ok(op("allocate").put("id", "tool-1")).getString("address");
        assertThat(first).isEqualTo("10.32.0.1/12");
        JsonObject allocated = events.event("allocated");
        assertThat(allocated.getString("id")).isEqualTo("tool-1");
        assertThat(allocated.getString("address")).isEqualTo(first);
        String inSubnet = tool.ok(op("allocate").put("id", "tool-1")
            .put("subnet", "10.40.0.0/24")).getString("address");
        assertThat(inSubnet).isEqualTo("10.40.0.1/24");
        assertThat(tool.ok(op("claim").put("id", "tool-2").put("address", "10.33.0.9/12"))
            .getString("address")).isEqualTo("10.33.0.9/12");

        assertThat(tool.ok(op("lookup").put("id", "tool-1")).getJsonArray("addresses"))
            .isEqualTo(new JsonArray().add(first).add(inSubnet));
        assertThat(tool.ok(op("lookup").put("id", "tool-1").put("subnet", "10.40.0.0/24"))
            .getJsonArray("addresses")).isEqualTo(new JsonArray().add(inSubnet));
        assertThat(tool.ok(op("free").put("id", "tool-1").put("address", inSubnet))
            .getJsonArray("freed")).isEqualTo(new JsonArray().add(inSubnet));
        JsonObject freed = events.event("freed");
        assertThat(freed.getString("address")).isEqualTo(inSubnet);
        assertThat(tool.ok(op("delete").put("id", "tool-2")).getJsonArray("freed"))
            .isEqualTo(new JsonArray().add("10.33.0.9/12"));

        JsonObject status = tool.ok(op("status"));
        assertThat(status.getString("consensus")).isEqualTo("achieved");
        assertThat(status.getInteger("activeAddresses")).isEqualTo(1);
        assertThat(status.getString("docker")).isEqualTo("disabled");

        failure(tool, op("allocate").put("id", "t").put("subnet", "192.168.0.0/24"), 400,
            "out of bounds");
        failure(tool, op("claim").put("id", "other").put("address", first), 409,
            "already owned by tool-1");
        failure(tool, op("free").put("id", "tool-2").put("address", first), 404,
            "nothing to free");
        failure(tool, op("allocate").put("id", "bad/id"), 400, "bad id");
        failure(tool, op("nonsense"), 400, "unknown op");
        failure(tool, new JsonObject(), 400, "no 'op'");

        // Peers come and go; a peer with another range is refused, and tools hear of all three.
        try (AgentProcess b = new AgentProcess(dir.resolve("b"))) {
          b.start("--init-peer-count", "1", "--ipalloc-range", "10.2.0.0/16", a.clusterAddr())
              .awaitLive(Duration.ofSeconds(60));
          assertThat(events.event("peer-joined").getString("peer")).isNotEmpty();
          assertThat(b.send("POST", "/ip/b1").statusCode()).isEqualTo(200);
          JsonObject refused = events.event("merge-refused");
          assertThat(refused.getString("reason")).contains("Incompatible IP allocation ranges");
          assertThat(b.terminate(Duration.ofSeconds(30))).isZero();
          assertThat(events.event("peer-left").getString("peer")).isNotEmpty();
        }
      }
      assertThat(a.get("/health/live").statusCode()).isEqualTo(200);
    }
  }

  private static void failure(Tool tool, JsonObject body, int code, String text)
      throws Exception {
    JsonObject answer = tool.ask(body);
    assertThat(answer.getString("type")).isEqualTo("err");
    assertThat(answer.getInteger("failureCode")).as(answer.encode()).isEqualTo(code);
    assertThat(answer.getString("message")).contains(text);
  }

  @Test
  void toolsMaySendOnlyToIpamAndListenOnlyToEvents(@TempDir Path dir) throws Exception {
    int port = AgentProcess.freePort();
    try (AgentProcess a = new AgentProcess(dir.resolve("a"))) {
      a.start("--bridge-addr", "127.0.0.1:" + port).awaitLive(Duration.ofSeconds(60));
      try (Tool tool = new Tool(port)) {
        List<String> answers = new ArrayList<>();
        for (JsonObject frame : List.of(
            new JsonObject().put("type", "send").put("address", "weft.gossip").put("body", 1),
            new JsonObject().put("type", "publish").put("address", "weft.peer.x"),
            new JsonObject().put("type", "register").put("address", "weft.ipam"),
            new JsonObject().put("type", "unregister").put("address", "weft.events"),
            new JsonObject().put("type", "dance").put("address", "weft.ipam"),
            new JsonObject().put("type", "send"))) {
          tool.write(frame);
          answers.add(tool.read().getString("message"));
        }
        assertThat(answers).containsExactly("access_denied", "access_denied", "access_denied",
            "unknown_address", "unknown_type", "address_required");
        tool.write(new JsonObject().put("type", "ping"));
        assertThat(tool.read().getString("type")).isEqualTo("pong");
      }
    }
  }
}
