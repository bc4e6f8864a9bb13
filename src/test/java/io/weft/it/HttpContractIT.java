package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP contract where it goes beyond Weave's paths: values in a form body, request deadlines,
 * the smallest subnet, waiting limits that never hold up delete or lookup, and a reset that
 * survives a crash. An agent launched alone with a quorum of 3 keeps every allocation waiting
 * for as long as a test needs.
 */
class HttpContractIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private static HttpRequest.Builder request(AgentProcess a, String path) {
    return HttpRequest.newBuilder(URI.create("http://" + a.httpAddr() + path))
        .timeout(Duration.ofSeconds(60));
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> form(AgentProcess a, String method, String path,
      String body) throws Exception {
    return send(request(a, path).header("Content-Type", "application/x-www-form-urlencoded")
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build());
  }

  /**
   * The API is HTTP/1.1, as Weave's: a client that offers an h2c upgrade (Java's default) is
   * answered in HTTP/1.1, and many such requests leave no ERROR line (over h2c a metrics library
   * logged one when a stream closed early).
   */
  @Test
  void anH2cUpgradeIsAnsweredInHttp11WithoutAnErrorLine(@TempDir Path dir) throws Exception {
    try (AgentProcess a = new AgentProcess(dir.resolve("a"))) {
      a.start().awaitLive(START);
      HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
          .connectTimeout(Duration.ofSeconds(5)).build();
      for (int i = 0; i < 50; i++) {
        HttpResponse<String> r = h2.send(request(a, "/ip/h2c-" + i)
            .POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      }
      assertThat(a.log()).doesNotContain("ERROR");
    }
  }

  /**
   * A refused claim reads as Weave writes it, "Unable to claim: " and why, whether the address
   * is held by another ident (409) or is no address at all (400); other refusals say only why.
   */
  @Test
  void aRefusedClaimSaysUnableToClaim(@TempDir Path dir) throws Exception {
    try (AgentProcess a = new AgentProcess(dir.resolve("a"))) {
      a.start().awaitLive(START);
      assertThat(a.get("/status/ipam").body()).as("Weave's answer before any ring").isEmpty();
      assertThat(a.send("PUT", "/ip/c1/10.32.0.9/12").statusCode()).isEqualTo(204);
      JsonObject status = a.status();
      assertThat(a.get("/status/ipam").body()).as("Weave's layout, byte for byte").isEqualTo(
          String.format("%-37s %8d IPs (%04.1f%% of total) %s%n", status.getString("name") + "("
              + status.getString("nickname") + ")", 1048576, 100.0, "(1 active)")
              .replace(System.lineSeparator(), "\n"));

      HttpResponse<String> taken = a.send("PUT", "/ip/c2/10.32.0.9/12");
      assertThat(taken.statusCode()).isEqualTo(409);
      assertThat(taken.body())
          .startsWith("Unable to claim: address 10.32.0.9/12 is already owned by c1");
      HttpResponse<String> bad = a.send("PUT", "/ip/c2/10.32.0.999/12");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).startsWith("Unable to claim: ").contains("10.32.0.999");

      // GET /ip/{id} answers the default subnet's addresses, as Weave's; others by subnet.
      assertThat(a.send("PUT", "/ip/c1/10.3.0.1/12").statusCode()).isEqualTo(204);
      assertThat(a.get("/ip/c1").body()).isEqualTo("10.32.0.9/12");
      assertThat(a.get("/ip/c1/10.3.0.0/16").body()).isEqualTo("10.3.0.1/12");

      HttpResponse<String> outside = a.send("POST", "/ip/c2/10.0.0.0/16");
      assertThat(outside.statusCode()).isEqualTo(400);
      assertThat(outside.body()).startsWith("range 10.0.0.0/16 out of bounds");
      assertThat(a.get("/ip/c2").body()).isEmpty();
    }
  }

  /**
   * Weave's /ipinfo paths: the default subnet, and the tracker's name, which for a peer without
   * a tracker (weft never has one) is empty; weave attach reads it. Other verbs are refused.
   */
  @Test
  void ipinfoAnswersTheDefaultSubnetAndNoTracker(@TempDir Path dir) throws Exception {
    try (AgentProcess a = new AgentProcess(dir.resolve("a"))) {
      a.start().awaitLive(START);
      HttpResponse<String> subnet = a.get("/ipinfo/defaultsubnet");
      assertThat(subnet.statusCode()).isEqualTo(200);
      assertThat(subnet.body()).isEqualTo("10.32.0.0/12");
      HttpResponse<String> tracker = a.get("/ipinfo/tracker");
      assertThat(tracker.statusCode()).as(tracker.body()).isEqualTo(200);
      assertThat(tracker.body()).isEmpty();
      assertThat(tracker.headers().firstValue("content-type"))
          .isEqualTo(subnet.headers().firstValue("content-type"))
          .contains("text/plain; charset=utf-8");
      HttpResponse<String> post = a.send("POST", "/ipinfo/tracker");
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.body()).isEqualTo("POST is not allowed on /ipinfo/tracker\n");
    }
  }

  /** A request waiting when the agent is stopped is answered 503, not dropped. */
  @Test
  void aRequestWaitingAtSigtermIsAnswered503(@TempDir Path dir) throws Exception {
    try (AgentProcess a = new AgentProcess(dir.resolve("a"))) {
      a.start("--init-peer-count", "3").awaitLive(START);
      CompletableFuture<HttpResponse<String>> waiting = HTTP.sendAsync(request(a, "/ip/w1")
          .timeout(Duration.ofMinutes(2)).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      AgentProcess.await(START, () -> a.status().getInteger("pendingAllocations") == 1,
          "the allocation waiting for consensus");
      assertThat(a.terminate(Duration.ofSeconds(60))).isZero();
      HttpResponse<String> answer = waiting.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
      assertThat(answer.body()).contains("shutting down");
    }
  }

  @Test
  void deadlinesFormValuesSubnetSizeAndWaitingLimits(@TempDir Path dir) throws Exception {
    try (AgentProcess a = new AgentProcess(dir.resolve("a"))) {
      a.start("--init-peer-count", "3").awaitLive(START);

      HttpResponse<String> query = a.send("POST", "/ip/c1?timeout=0.5");
      assertThat(query.statusCode()).as(query.body()).isEqualTo(503);
      assertThat(query.body()).contains("deadline of 500 ms");
      HttpResponse<String> inForm = form(a, "POST", "/ip/c1", "timeout=1");
      assertThat(inForm.statusCode()).as(inForm.body()).isEqualTo(503);
      assertThat(inForm.body()).contains("deadline of 1000 ms");
      HttpResponse<String> claim = form(a, "PUT", "/ip/c1/10.32.0.9/12", "timeout=0.5");
      assertThat(claim.statusCode()).as(claim.body()).isEqualTo(503);
      HttpResponse<String> bad = a.send("POST", "/ip/c1?timeout=soon");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("timeout must be a number of seconds");
      assertThat(a.status().getInteger("pendingAllocations")).isZero();

      HttpResponse<String> tiny = a.send("POST", "/ip/c1/10.32.0.4/31");
      assertThat(tiny.statusCode()).isEqualTo(400);
      assertThat(tiny.body()).contains("smaller than the minimum size 4");
      HttpResponse<String> big = form(a, "POST", "/ip/c1", "timeout=1&x=" + "y".repeat(17_000));
      assertThat(big.statusCode()).isEqualTo(413);

      // 16 requests for X wait; the 17th is refused, but delete and lookup of X still answer.
      List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        waiting.add(HTTP.sendAsync(request(a, "/ip/X").timeout(Duration.ofMinutes(5))
            .POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      AgentProcess.await(START, () -> a.status().getInteger("pendingAllocations") == 16,
          "16 allocations for X waiting");
      HttpResponse<String> seventeenth = a.send("POST", "/ip/X");
      assertThat(seventeenth.statusCode()).isEqualTo(503);
      assertThat(seventeenth.body()).contains("16 requests for 'X'");
      HttpResponse<String> delete = a.send("DELETE", "/ip/X");
      assertThat(delete.statusCode()).as("answered, nothing to free: " + delete.body())
          .isEqualTo(400);
      HttpResponse<String> lookup = a.get("/ip/X");
      assertThat(lookup.statusCode()).isEqualTo(200);
      assertThat(lookup.body()).isEmpty();
      HttpResponse<String> free = a.send("DELETE", "/ip/X/10.32.0.9");
      assertThat(free.statusCode()).isEqualTo(400);
      waiting.forEach(f -> f.cancel(true));
    }
  }

  @Test
  void aResetSurvivesAKillAndTheAgentSaysWhyItRefuses(@TempDir Path dir) throws Exception {
    AgentProcess a = new AgentProcess(dir.resolve("a"));
    try (a) {
      a.start().awaitLive(START);
      assertThat(a.send("POST", "/ip/c1").statusCode()).isEqualTo(200);
      Cli.Result reset = Cli.run("reset", "--http-addr", a.httpAddr());
      assertThat(reset.code()).as(reset.err()).isZero();
      a.kill();
    }
    try (AgentProcess again = a.sameDataDir()) {
      again.start().awaitLive(START);
      HttpResponse<String> refused = again.send("POST", "/ip/c2");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.body()).contains("was reset").contains("clear its data directory");
      HttpResponse<String> ready = again.get("/health/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("was reset").contains("clear its data directory");
      JsonObject status = again.status();
      assertThat(status.getBoolean("reset")).isTrue();
      assertThat(again.get("/ip/c1").body()).as("its allocations went with the reset").isEmpty();
    }
  }
}
