package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import static io.weft.testing.SmallDisk.fill;
import static io.weft.testing.SmallDisk.run;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent whose data directory fills up (a 4 MiB tmpfs, so root only): changes are refused at
 * once with a message saying what to do, lookups and status still answer and say why, and once
 * space is freed the agent resumes by itself. After a kill -9, every allocation answered before
 * is still held, and none that was refused.
 */
class DiskFullIT {
  private static final Duration START = Duration.ofSeconds(60);

  @Test
  void aFullDiskRefusesChangesKeepsAnsweringAndResumesByItself(@TempDir Path dir)
      throws Exception {
    Path data = Files.createDirectories(dir.resolve("small"));
    io.weft.testing.SmallDisk.mount(data, "4m");
    Map<String, String> answered = new LinkedHashMap<>();
    List<String> refused = new ArrayList<>();
    AgentProcess agent = new AgentProcess(data);
    try {
      agent.start().awaitLive(START);
      AgentProcess.await(Duration.ofSeconds(120), () -> ready(agent) == 200, "ready");
      for (int i = 0; i < 5; i++) {
        allocate(agent, "before-" + i, answered, refused);
      }
      assertThat(answered).hasSize(5);

      Path filler = data.resolve("filler");
      fill(filler);
      // The first change that cannot be written waits for space, unanswered (its client gives
      // up after a few seconds: unknown); the next ones are refused at once.
      String refusal = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      for (int i = 0; refusal == null && i < 100 && System.nanoTime() < deadline; i++) {
        refusal = allocate(agent, "full-" + i, answered, refused);
      }
      assertThat(refusal).as("an allocation refused for the full disk; log:\n" + agent.log())
          .isNotNull().contains("the data directory " + data + " is full")
          .contains("free space on it").contains("resumes by itself");
      HttpResponse<String> ready = agent.get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("is full").contains("free space on it");
      assertThat(agent.status().getString("store")).startsWith("full: ")
          .contains("database or disk is full");
      assertThat(agent.get("/ip/before-0").body()).isEqualTo(answered.get("before-0"));
      assertThat(agent.get("/metrics").body()).contains("weft_store_full 1.0");
      Cli.Result status = Cli.run("status", "--http-addr", agent.httpAddr());
      assertThat(status.out()).contains("store full: ");
      assertThat(agent.send("DELETE", "/ip/before-1").statusCode()).isEqualTo(503);

      Files.delete(filler);
      AgentProcess.await(Duration.ofSeconds(30), () -> "ok".equals(agent.status()
          .getString("store")), "the store writable again");
      for (int i = 0; i < 3; i++) {
        assertThat(allocate(agent, "after-" + i, answered, refused)).isNull();
        assertThat(answered).containsKey("after-" + i);
      }
      AgentProcess.await(Duration.ofSeconds(30), () -> ready(agent) == 200, "ready again");
      assertThat(agent.get("/metrics").body()).contains("weft_store_full 0.0");
      String log = agent.log();
      assertThat(log.lines().filter(l -> l.contains("the disk is full")).count())
          .as("one line when the disk fills, not one per retry:\n" + log).isEqualTo(1);
      assertThat(log).contains("the data directory has space again");

      agent.kill(); // SIGKILL: only what was written survives
      AgentProcess again = agent.sameDataDir();
      try {
        again.start().awaitLive(START);
        Map<String, String> held = owned(again);
        answered.forEach((ident, address) -> assertThat(held.get(ident))
            .as("answered 200 with " + address + " before the kill").isEqualTo(address));
        refused.forEach(ident -> assertThat(held).as("refused with 503").doesNotContainKey(ident));
      } finally {
        again.kill();
      }
    } finally {
      agent.kill();
      run("umount", data.toString());
    }
  }

  /**
   * Allocates {@code ident}: its address goes into {@code answered} on 200, the ident into
   * {@code refused} on a 503 for the full disk (whose message is returned); no answer within a
   * few seconds is unknown and recorded nowhere.
   */
  private static String allocate(AgentProcess agent, String ident, Map<String, String> answered,
      List<String> refused) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + agent.httpAddr() + "/ip/"
        + ident)).POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5))
        .build();
    HttpResponse<String> response = AgentProcess.send(request);
    if (response.statusCode() == 200) {
      answered.put(ident, response.body().strip());
      return null;
    }
    if (response.statusCode() == 503 && response.body().contains("is full")) {
      refused.add(ident);
      return response.body();
    }
    if (response.statusCode() != 0) {
      throw new AssertionError("allocating " + ident + " answered " + response.statusCode() + ": "
          + response.body());
    }
    return null;
  }

  private static int ready(AgentProcess agent) {
    return agent.get("/health/ready").statusCode();
  }

  /** Every ident the agent holds with its one address, from {@code GET /ip}. */
  private static Map<String, String> owned(AgentProcess agent) {
    JsonArray owned = new JsonObject(agent.get("/ip").body()).getJsonArray("owned");
    Map<String, String> held = new HashMap<>();
    for (int i = 0; i < owned.size(); i++) {
      JsonObject entry = owned.getJsonObject(i);
      assertThat(entry.getJsonArray("addrs")).hasSize(1);
      held.put(entry.getString("containerid"), entry.getJsonArray("addrs").getString(0));
    }
    return held;
  }


}
