package io.weft.it;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Prometheus server (Debian's {@code prometheus}) for one test: on loopback, with its own
 * configuration, rules and storage under {@code dir}, scraping agents as the job "weft" every
 * 2 s (a loaded machine may take over a second to answer a scrape) and evaluating its rules
 * every second.
 */
final class PrometheusServer implements AutoCloseable {
  final int port;
  final Path log;
  private final Process process;

  private PrometheusServer(int port, Path log, Process process) {
    this.port = port;
    this.log = log;
    this.process = process;
  }

  /** Starts the server with {@code rules} as its only rule file and waits until it is ready. */
  static PrometheusServer start(Path program, Path dir, List<AgentProcess> agents, String rules)
      throws IOException {
    Files.createDirectories(dir);
    Path rulesFile = dir.resolve("rules.yml");
    Files.writeString(rulesFile, rules);
    String targets = agents.stream().map(a -> "'" + a.httpAddr() + "'")
        .collect(Collectors.joining(", "));
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 2s
          scrape_timeout: 2s
          evaluation_interval: 1s
        rule_files: ['%s']
        scrape_configs:
          - job_name: weft
            static_configs:
              - targets: [%s]
        """.formatted(rulesFile, targets));
    int port = AgentProcess.freePort();
    Path log = dir.resolve("prometheus.log");
    Process process = new ProcessBuilder(program.toString(), "--config.file=" + config,
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    PrometheusServer server = new PrometheusServer(port, log, process);
    AgentProcess.await(Duration.ofSeconds(60), () -> {
      if (!process.isAlive()) {
        throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n"
            + server.log());
      }
      return server.get("/-/ready").statusCode() == 200;
    }, "prometheus ready on port " + port);
    return server;
  }

  /** The result of an instant query ({@code data.result}); fails on an error answer. */
  JsonArray query(String promql) {
    HttpResponse<String> r = get("/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonObject body = new JsonObject(r.body());
    if (r.statusCode() != 200 || !"success".equals(body.getString("status"))) {
      throw new AssertionError("query " + promql + " answered " + r.statusCode() + ": "
          + r.body());
    }
    return body.getJsonObject("data").getJsonArray("result");
  }

  /** The active alerts (pending and firing), as {@code /api/v1/alerts} lists them. */
  JsonArray alerts() {
    HttpResponse<String> r = get("/api/v1/alerts");
    return new JsonObject(r.body()).getJsonObject("data").getJsonArray("alerts");
  }

  /** The targets' scrape health, for failure messages. */
  String targets() {
    return get("/api/v1/targets").body();
  }

  private HttpResponse<String> get(String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).build();
    return AgentProcess.send(request);
  }

  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
