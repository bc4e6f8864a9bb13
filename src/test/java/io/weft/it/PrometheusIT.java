package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.metrics.PrometheusTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator's monitoring sees of three real agents: their /metrics pass promtool, a real
 * Prometheus server scraping them answers every query of the shipped dashboard, and the shipped
 * alert for an unreachable peer that still owns space fires when one agent is killed and
 * resolves after {@code weft rmpeer}. The last test kills an agent, so the order is fixed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusIT {
  static final Path DASHBOARD = Path.of("conf/grafana/weft-dashboard.json");
  static final Path RULES = Path.of("conf/prometheus/weft-alerts.yml");
  static final String UNREACHABLE_OWNER = "WeftUnreachablePeerOwnsAddresses";

  @TempDir static Path dir;
  final List<AgentProcess> agents = new ArrayList<>();
  Path promtool;
  PrometheusServer prometheus;

  @BeforeAll
  void startAgentsAndPrometheus() throws Exception {
    promtool = PrometheusTools.require("promtool");
    Path server = PrometheusTools.require("prometheus");
    for (int i = 0; i < 3; i++) {
      agents.add(new AgentProcess(dir.resolve("peer" + i)));
    }
    // An engine socket that does not exist: the watcher runs, disconnected, so that the
    // dashboard's weft_docker_connected has a series without a container engine.
    AgentProcess.startAll(agents, "--docker-host", "unix://" + dir.resolve("no-engine.sock"));
    prometheus = PrometheusServer.start(server, dir.resolve("prometheus"), agents,
        shortenedRules());
  }

  /**
   * The shipped rules with every {@code for:} cut to 10 s: the test server scrapes every 2 s and
   * evaluates every second, and a test cannot wait the 15 minutes an operator's server does.
   */
  static String shortenedRules() throws Exception {
    String rules = Files.readString(RULES);
    String shortened = rules.replaceAll("(?m)^(\\s+for:) \\d+m$", "$1 10s");
    assertThat(shortened).as("the rules have for: clauses to shorten").isNotEqualTo(rules);
    return shortened;
  }

  @AfterAll
  void stop() throws Exception {
    if (prometheus != null) {
      prometheus.close();
    }
    for (AgentProcess a : agents) {
      a.close();
    }
  }

  @Test
  @Order(1)
  void everyAgentsMetricsPassPromtoolCheckMetrics() throws Exception {
    allocateOnEveryAgent("lint");
    for (AgentProcess a : agents) {
      // The gauges refresh every second: wait for the rows the new ring brings.
      AgentProcess.await(Duration.ofSeconds(30),
          () -> a.get("/metrics").body().contains("weft_peer_addresses_owned{"),
          "per-peer rows in " + a.httpAddr() + "/metrics");
      byte[] metrics = a.get("/metrics").body().getBytes(StandardCharsets.UTF_8);
      // weft's own meters and those an operator watches: heap, GC, threads, CPU, open files.
      assertThat(new String(metrics, StandardCharsets.UTF_8)).contains("weft_peer_addresses_owned")
          .contains("jvm_memory_used_bytes{area=\"heap\"").contains("jvm_gc_")
          .contains("jvm_threads_live_threads").contains("process_cpu_seconds_total")
          .contains("process_files_open_files");
      PrometheusTools.Result checked =
          PrometheusTools.run(metrics, promtool.toString(), "check", "metrics");
      assertThat(checked.output()).as("promtool check metrics on %s", a.httpAddr()).isEmpty();
      assertThat(checked.code()).isZero();
    }
  }

  @Test
  @Order(2)
  void everyWeftMetricIsDocumentedInTheReadme() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    List<String> undocumented = new ArrayList<>();
    for (String line : agents.get(0).get("/metrics").body().split("\n")) {
      if (line.startsWith("# HELP weft_")) {
        String name = line.split(" ")[2].replaceAll("_max$", "");
        if (!readme.contains("`" + name)) {
          undocumented.add(name);
        }
      }
    }
    assertThat(undocumented).as("weft_* metrics missing from the README's metrics table")
        .isEmpty();
  }

  @Test
  @Order(3)
  void everyDashboardQueryReturnsDataFromARealScrape() throws Exception {
    AgentProcess.await(Duration.ofSeconds(60),
        () -> prometheus.query("up{job=\"weft\"} == 1").size() == agents.size(),
        "prometheus scraping all three agents");
    // Allocations after the first scrapes, so that the latency histograms' rates are not zero.
    allocateOnEveryAgent("dash");
    Map<String, String> queries = dashboardQueries();
    assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
    Map<String, String> empty = new LinkedHashMap<>(queries);
    AgentProcess.await(Duration.ofSeconds(90), () -> {
      empty.entrySet().removeIf(q -> hasNumber(prometheus.query(q.getValue())));
      return empty.isEmpty();
    }, "data for every dashboard query; still without: " + empty + "\ntargets: "
        + prometheus.targets());
  }

  @Test
  @Order(4)
  void unreachableOwnerAlertFiresWhenAnAgentDiesAndResolvesAfterRmpeer() throws Exception {
    AgentProcess victim = agents.get(2);
    JsonObject status = victim.status();
    String victimName = status.getString("name");
    assertThat(status.getJsonArray("peers").getJsonObject(0).getLong("owned")).isPositive();
    assertThat(firing(victimName)).isFalse();

    long killed = System.nanoTime();
    victim.kill();
    AgentProcess.await(Duration.ofSeconds(120), () -> firing(victimName),
        UNREACHABLE_OWNER + " firing for " + victimName);
    long fired = System.nanoTime();
    JsonObject alert = alertFor(victimName);
    assertThat(alert.getJsonObject("annotations").getString("description"))
        .contains("weft rmpeer " + victimName);

    AgentProcess survivor = agents.get(0);
    Cli.Result taken = Cli.run("rmpeer", victimName, "--http-addr", survivor.httpAddr());
    assertThat(taken.code()).as(taken.err()).isZero();
    AgentProcess.await(Duration.ofSeconds(90), () -> alertFor(victimName) == null,
        UNREACHABLE_OWNER + " resolved for " + victimName);
    System.out.printf("%s: firing %.1f s after the kill (for: 10s), resolved %.1f s after"
        + " rmpeer was started%n", UNREACHABLE_OWNER, (fired - killed) / 1e9,
        (System.nanoTime() - fired) / 1e9);
  }

  private void allocateOnEveryAgent(String prefix) {
    for (AgentProcess a : agents) {
      for (int i = 0; i < 5; i++) {
        String path = "/ip/" + prefix + "-" + a.dataDir.getFileName() + "-" + i;
        var r = a.send("POST", path);
        assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(200);
      }
    }
  }

  /**
   * Each panel target's query, with Grafana's variables as an operator's Grafana fills them for
   * all agents over the last minutes.
   */
  static Map<String, String> dashboardQueries() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    Map<String, String> queries = new LinkedHashMap<>();
    JsonArray panels = dashboard.getJsonArray("panels");
    for (int i = 0; i < panels.size(); i++) {
      JsonObject panel = panels.getJsonObject(i);
      JsonArray targets = panel.getJsonArray("targets");
      for (int t = 0; t < targets.size(); t++) {
        String expr = targets.getJsonObject(t).getString("expr");
        queries.put(panel.getString("title") + " / " + targets.getJsonObject(t)
            .getString("legendFormat"), expr.replace("$instance", ".*")
            .replace("$__rate_interval", "5m"));
      }
    }
    return queries;
  }

  /** True when the query result has at least one sample that is a number (not NaN). */
  static boolean hasNumber(JsonArray result) {
    for (int i = 0; i < result.size(); i++) {
      String value = result.getJsonObject(i).getJsonArray("value").getString(1);
      if (!value.equals("NaN")) {
        return true;
      }
    }
    return false;
  }

  private boolean firing(String peer) {
    JsonObject alert = alertFor(peer);
    return alert != null && "firing".equals(alert.getString("state"));
  }

  private JsonObject alertFor(String peer) {
    JsonArray alerts = prometheus.alerts();
    for (int i = 0; i < alerts.size(); i++) {
      JsonObject alert = alerts.getJsonObject(i);
      JsonObject labels = alert.getJsonObject("labels");
      if (UNREACHABLE_OWNER.equals(labels.getString("alertname"))
          && peer.equals(labels.getString("peer"))) {
        return alert;
      }
    }
    return null;
  }
}
