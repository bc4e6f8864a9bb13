package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Co-located tools on the event-bus TCP bridge, from separate processes. */
class BridgeIT {

  static void write(DataOutputStream out, JsonObject frame) throws Exception {
    byte[] data = frame.encode().getBytes(StandardCharsets.UTF_8);
    out.writeInt(data.length);
    out.write(data);
    out.flush();
  }

  static JsonObject read(DataInputStream in) throws Exception {
    byte[] data = new byte[in.readInt()];
    in.readFully(data);
    return new JsonObject(new String(data, StandardCharsets.UTF_8));
  }

  @Test
  void thePythonExampleAllocatesAndReleasesAndToolsSeeEventsAndErrors(@TempDir Path dir)
      throws Exception {
    int bridgePort = AgentProcess.freePort();
    try (AgentProcess agent = new AgentProcess(dir.resolve("a"))) {
      agent.start("--bridge-addr", "127.0.0.1:" + bridgePort).awaitLive(Duration.ofSeconds(60));
      try (Socket socket = new Socket("127.0.0.1", bridgePort)) {
        socket.setSoTimeout(30_000);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        DataInputStream in = new DataInputStream(socket.getInputStream());
        write(out, new JsonObject().put("type", "register").put("address", "weft.events"));

        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "python3 is not installed");
        Path client = Path.of("src/test/resources/bridge_client.py").toAbsolutePath();
        Process p = new ProcessBuilder(python.toString(), client.toString(), "127.0.0.1",
            Integer.toString(bridgePort), "tool-1").redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("allocated 10.32.0.1/12").contains("freed 10.32.0.1/12");

        assertThat(read(in).getJsonObject("body").getString("type"))
            .isEqualTo("consensus-achieved");
        JsonObject allocated = read(in);
        assertThat(allocated.getString("address")).isEqualTo("weft.events");
        assertThat(allocated.getJsonObject("body").getString("type")).isEqualTo("allocated");
        assertThat(allocated.getJsonObject("body").getString("id")).isEqualTo("tool-1");
        assertThat(read(in).getJsonObject("body").getString("type")).isEqualTo("freed");

        write(out, new JsonObject().put("type", "send").put("address", "weft.ipam")
            .put("replyAddress", "x").put("body", new JsonObject().put("op", "free")
                .put("id", "nobody").put("address", "10.32.0.9")));
        JsonObject failure = read(in);
        assertThat(failure.getString("type")).isEqualTo("err");
        assertThat(failure.getInteger("failureCode")).isEqualTo(404);
        assertThat(failure.getString("message")).contains("nothing to free");

        write(out, new JsonObject().put("type", "send").put("address", "weft.peer.x")
            .put("replyAddress", "y").put("body", new JsonObject()));
        JsonObject refused = read(in);
        assertThat(refused.getString("type")).isEqualTo("err");
        assertThat(refused.getString("message")).isEqualTo("access_denied");
      }
      assertThat(agent.get("/health/live").statusCode()).isEqualTo(200);
    }
  }
}
