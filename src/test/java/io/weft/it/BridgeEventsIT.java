package io.weft.it;

import static io.weft.it.BridgeIT.read;
import static io.weft.it.BridgeIT.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whose events a bridge tool gets: its own host's on {@code weft.events}, every peer's on
 * {@code weft.events.all}, each naming the peer it comes from ({@code origin}).
 */
class BridgeEventsIT {

  /** The allocated events read until the stream is quiet for 5 s, as "origin id". */
  private static List<String> allocatedEvents(DataInputStream in) throws Exception {
    List<String> seen = new ArrayList<>();
    while (true) {
      JsonObject frame;
      try {
        frame = read(in);
      } catch (SocketTimeoutException quiet) {
        return seen;
      }
      JsonObject event = frame.getJsonObject("body");
      assertThat(event.getString("origin")).as("every event names its peer: %s", event)
          .isNotNull();
      if ("allocated".equals(event.getString("type"))) {
        seen.add(event.getString("origin") + " " + event.getString("id"));
      }
    }
  }

  @Test
  void aToolGetsItsOwnHostsEventsUnlessItAsksForEveryPeers(@TempDir Path dir)
      throws Exception {
    int bridgePort = AgentProcess.freePort();
    try (AgentProcess a = new AgentProcess(dir.resolve("a"));
        AgentProcess b = new AgentProcess(dir.resolve("b"))) {
      a.start("--bridge-addr", "127.0.0.1:" + bridgePort, b.clusterAddr());
      b.start(a.clusterAddr());
      a.awaitLive(java.time.Duration.ofSeconds(60));
      b.awaitLive(java.time.Duration.ofSeconds(60));
      AgentProcess.await(java.time.Duration.ofSeconds(45),
          () -> a.reachable() == 2 && b.reachable() == 2, "2 peers reachable");
      String aName = a.status().getString("name");
      String bName = b.status().getString("name");
      try (Socket own = new Socket("127.0.0.1", bridgePort);
          Socket all = new Socket("127.0.0.1", bridgePort)) {
        own.setSoTimeout(5_000);
        all.setSoTimeout(5_000);
        write(new DataOutputStream(own.getOutputStream()),
            new JsonObject().put("type", "register").put("address", "weft.events"));
        write(new DataOutputStream(all.getOutputStream()),
            new JsonObject().put("type", "register").put("address", "weft.events.all"));
        Thread.sleep(1000); // the registrations reach the agent
        assertThat(a.send("POST", "/ip/on-a").statusCode()).isEqualTo(200);
        assertThat(b.send("POST", "/ip/on-b").statusCode()).isEqualTo(200);

        assertThat(allocatedEvents(new DataInputStream(own.getInputStream())))
            .containsExactly(aName + " on-a");
        assertThat(allocatedEvents(new DataInputStream(all.getInputStream())))
            .containsExactlyInAnyOrder(aName + " on-a", bName + " on-b");
      }
    }
  }
}
