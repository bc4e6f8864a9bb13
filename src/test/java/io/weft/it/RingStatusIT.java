package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the ring view reads, over plain HTTP from the built jar: {@code GET /status/ring}, the
 * page and its assets, and the event stream {@code GET /ui/events}.
 */
class RingStatusIT {
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .build();

  /** An open {@code /ui/events} stream: its answer, and its lines as they arrive. */
  record EventStream(HttpResponse<Stream<String>> response, BlockingQueue<String> lines) {
    /** The next {@code data:} line's JSON, waiting at most {@code seconds}. */
    JsonObject next(int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && line.startsWith("data: ")) {
          return new JsonObject(line.substring(6));
        }
      }
      throw new AssertionError("no event within " + seconds + " s");
    }

    /** The {@code id:} of the next event. */
    String nextId(int seconds) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line != null && line.startsWith("id: ")) {
          return line.substring(4);
        }
      }
      throw new AssertionError("no event id within " + seconds + " s");
    }
  }

  static EventStream events(AgentProcess agent, String lastEventId) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://" + agent.httpAddr() + "/ui/events"));
    if (lastEventId != null) {
      request.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> response = HTTP.sendAsync(request.build(),
        HttpResponse.BodyHandlers.ofLines()).get(30, TimeUnit.SECONDS);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    if (response.statusCode() == 200) {
      Thread reader = new Thread(() -> {
        try {
          response.body().forEach(lines::add);
        } catch (RuntimeException closed) {
          // the stream ends with the test
        }
      });
      reader.setDaemon(true);
      reader.start();
    }
    return new EventStream(response, lines);
  }

  @Test
  void servesTheRingThePageAndTheEventStream(@TempDir Path dir) throws Exception {
    try (AgentProcess agent = new AgentProcess(dir.resolve("solo"))) {
      agent.start().awaitLive(SingleAgentIT.START);
      String self = agent.status().getString("name");

      JsonObject before = new JsonObject(agent.get("/status/ring").body());
      assertThat(before.getString("consensus")).isEqualTo("deferred");
      assertThat(before.getJsonArray("ranges")).isEmpty();
      assertThat(before.getString("range")).isEqualTo("10.32.0.0/12");

      EventStream stream = events(agent, null);
      assertThat(stream.response().statusCode()).isEqualTo(200);
      assertThat(stream.response().headers().firstValue("content-type").orElse(""))
          .startsWith("text/event-stream");
      assertThat(agent.send("POST", "/ip/c1").body().strip()).isEqualTo("10.32.0.1/12");
      List<JsonObject> seen = new ArrayList<>();
      while (seen.stream().noneMatch(e -> "allocated".equals(e.getString("type")))) {
        seen.add(stream.next(30));
      }
      JsonObject allocated = seen.get(seen.size() - 1);
      assertThat(allocated.getString("id")).isEqualTo("c1");
      assertThat(allocated.getString("address")).isEqualTo("10.32.0.1/12");
      assertThat(allocated.getLong("seq")).isPositive();
      assertThat(allocated.getLong("time")).isPositive();
      assertThat(seen).extracting(e -> e.getString("type")).contains("consensus-achieved");

      JsonObject ring = new JsonObject(agent.get("/status/ring").body());
      assertThat(ring.getString("consensus")).isEqualTo("achieved");
      assertThat(ring.getString("name")).isEqualTo(self);
      assertThat(ring.getJsonArray("seeds").getList()).containsExactly(self);
      JsonArray ranges = ring.getJsonArray("ranges");
      assertThat(ranges).hasSize(1);
      JsonObject all = ranges.getJsonObject(0);
      assertThat(all.getString("first")).isEqualTo("10.32.0.0");
      assertThat(all.getString("last")).isEqualTo("10.47.255.255");
      assertThat(all.getLong("size")).isEqualTo(1L << 20);
      assertThat(all.getJsonArray("cidrs").getList()).containsExactly("10.32.0.0/12");
      assertThat(all.getString("owner")).isEqualTo(self);
      assertThat(all.getBoolean("reachable")).isTrue();
      // The owner reports its free count on its next tick.
      AgentProcess.await(Duration.ofSeconds(20), () -> new JsonObject(agent.get("/status/ring")
          .body()).getJsonArray("ranges").getJsonObject(0).getLong("free") == (1L << 20) - 1,
          "the free count reported");

      // A page that reconnects gets only what it missed; one of an earlier run gets all kept.
      EventStream again = events(agent, null);
      String firstId = again.nextId(10);
      long firstSeq = Long.parseLong(firstId.substring(firstId.indexOf('-') + 1));
      EventStream resumed = events(agent, firstId);
      assertThat(resumed.next(10).getLong("seq")).isEqualTo(firstSeq + 1);
      EventStream stale = events(agent, "0-" + firstSeq);
      assertThat(stale.next(10).getLong("seq")).isEqualTo(firstSeq);
      assertThat(agent.send("DELETE", "/ip/c1").statusCode()).isEqualTo(204);
      JsonObject freed;
      do {
        freed = resumed.next(30);
      } while (!"freed".equals(freed.getString("type")));
      assertThat(freed.getString("id")).isEqualTo("c1");

      // At most 32 streams per agent (four are open): the next page is told to close one.
      for (int open = 4; open < 32; open++) {
        assertThat(events(agent, null).response().statusCode()).isEqualTo(200);
      }
      HttpResponse<Stream<String>> refused = events(agent, null).response();
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.body().findFirst().orElse("")).contains("close one");

      var page = agent.get("/ui");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
      assertThat(page.headers().firstValue("content-security-policy").orElse(""))
          .contains("default-src 'none'").contains("connect-src 'self'");
      assertThat(page.body()).contains("/ui/ui.js").contains("/ui/ui.css")
          .doesNotContain("http://", "https://");
      var script = agent.get("/ui/ui.js");
      assertThat(script.statusCode()).isEqualTo(200);
      assertThat(script.headers().firstValue("content-type").orElse("")).contains("javascript");
      assertThat(script.body()).contains("/status/ring").contains("EventSource");
      assertThat(agent.get("/ui/ui.css").statusCode()).isEqualTo(200);
      assertThat(agent.get("/ui/no-such-file.js").statusCode()).isEqualTo(404);
      assertThat(agent.get("/ui/../weft.db").statusCode()).isIn(400, 404);
      assertThat(agent.send("POST", "/ui").statusCode()).isEqualTo(405);
      assertThat(agent.send("DELETE", "/ui/ui.js").statusCode()).isEqualTo(405);
    }
  }
}
