package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's commands against a real agent, with their documented exit codes. */
class CliIT {

  @Test
  void allocateClaimLookupReleaseStatusAndReset(@TempDir Path dir) throws Exception {
    try (AgentProcess agent = new AgentProcess(dir.resolve("a"))) {
      agent.start("--nickname", "solo").awaitLive(Duration.ofSeconds(60));
      String at = agent.httpAddr();
      assertThat(Cli.run("allocate", "c1", "--http-addr", at).out().strip())
          .isEqualTo("10.32.0.1/12");
      assertThat(Cli.run("allocate", "c1", "10.32.5.0/24", "--http-addr", at).out().strip())
          .isEqualTo("10.32.5.1/24");
      assertThat(Cli.run("claim", "c2", "10.32.0.9/12", "--http-addr", at).code()).isZero();
      Cli.Result taken = Cli.run("claim", "c3", "10.32.0.9/12", "--http-addr", at);
      assertThat(taken.code()).isEqualTo(1);
      assertThat(taken.err()).contains("address 10.32.0.9/12 is already owned by c2");
      assertThat(Cli.run("lookup", "c1", "--http-addr", at).out().strip())
          .isEqualTo("10.32.0.1/12 10.32.5.1/24");
      assertThat(Cli.run("lookup", "c1", "10.32.5.0/24", "--http-addr", at).out().strip())
          .isEqualTo("10.32.5.1/24");
      assertThat(Cli.run("release", "c1", "10.32.5.1", "--http-addr", at).code()).isZero();
      assertThat(Cli.run("release", "c1", "10.32.5.1", "--http-addr", at).code()).isEqualTo(1);
      assertThat(agent.send("DELETE", "/ip/nobody").statusCode()).isEqualTo(400);
      assertThat(Cli.run("release", "c2", "--http-addr", at).code()).isZero();
      Cli.Result ipam = Cli.run("status", "ipam", "--http-addr", at);
      assertThat(ipam.out()).contains("(solo)").contains("1048576 IPs (100.0% of total)")
          .contains("(1 active)");
      JsonObject owned = new JsonObject(agent.get("/ip").body());
      assertThat(owned.getJsonArray("owned").getJsonObject(0).getString("containerid"))
          .isEqualTo("c1");
      Cli.Result self = Cli.run("rmpeer", "solo", "--http-addr", at);
      assertThat(self.code()).isEqualTo(1);
      assertThat(self.err()).contains("weft reset");
      assertThat(Cli.run("reset", "--http-addr", at).code()).isZero();
      Cli.Result after = Cli.run("allocate", "c9", "--http-addr", at);
      assertThat(after.code()).isEqualTo(1);
      assertThat(after.err()).contains("was reset");
      var ready = agent.get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("this peer was reset");
      assertThat(agent.get("/health/live").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aClientThatHangsUpCancelsItsWaitingRequest(@TempDir Path dir) throws Exception {
    try (AgentProcess agent = new AgentProcess(dir.resolve("a"))) {
      agent.start("--init-peer-count", "3").awaitLive(Duration.ofSeconds(60));
      try (Socket socket = new Socket("127.0.0.1", agent.httpPort)) {
        OutputStream out = socket.getOutputStream();
        out.write(("POST /ip/hangup HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        AgentProcess.await(Duration.ofSeconds(10),
            () -> agent.status().getInteger("pendingAllocations") == 1, "the request waiting");
        assertThat(agent.status().getString("consensus")).isEqualTo("waiting");
      }
      AgentProcess.await(Duration.ofSeconds(10),
          () -> agent.status().getInteger("pendingAllocations") == 0, "the request cancelled");
      // Waiting requests are bounded per ident: the 17th is refused at once.
      java.util.List<java.util.concurrent.CompletableFuture<?>> held = new java.util.ArrayList<>();
      for (int i = 0; i < 16; i++) {
        held.add(DistributedAllocationIT.allocateLater(agent, "busy"));
      }
      AgentProcess.await(Duration.ofSeconds(10),
          () -> agent.status().getInteger("pendingAllocations") == 16, "16 waiting");
      var refused = agent.send("POST", "/ip/busy");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.body()).contains("16 requests for 'busy' are already waiting");
      assertThat(agent.send("GET", "/ip/busy").statusCode()).isEqualTo(200);
      held.forEach(f -> f.cancel(true));
    }
  }
}
