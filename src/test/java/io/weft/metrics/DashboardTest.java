package io.weft.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The shipped Grafana dashboard is an export Grafana imports as is: its one data source is an
 * input the importer picks, and it shows what an operator needs. (PrometheusIT runs its queries.)
 */
class DashboardTest {
  static final Path DASHBOARD = Path.of("conf/grafana/weft-dashboard.json");

  @Test
  void everyPanelQueriesTheImportedPrometheusAndTheNeededSeriesAreShown() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    JsonObject input = dashboard.getJsonArray("__inputs").getJsonObject(0);
    assertThat(input.getString("name")).isEqualTo("DS_PROMETHEUS");
    assertThat(input.getString("pluginId")).isEqualTo("prometheus");
    assertThat(dashboard.getString("uid")).isNotBlank();

    JsonArray panels = dashboard.getJsonArray("panels");
    Set<Integer> ids = new HashSet<>();
    List<String> exprs = new ArrayList<>();
    for (int i = 0; i < panels.size(); i++) {
      JsonObject panel = panels.getJsonObject(i);
      assertThat(ids.add(panel.getInteger("id"))).as("unique id %s", panel).isTrue();
      assertThat(panel.getJsonObject("datasource").getString("uid"))
          .isEqualTo("${DS_PROMETHEUS}");
      assertThat(panel.getString("description")).as(panel.getString("title")).isNotBlank();
      JsonArray targets = panel.getJsonArray("targets");
      assertThat(targets).as(panel.getString("title")).isNotEmpty();
      Set<String> refIds = new HashSet<>();
      for (int t = 0; t < targets.size(); t++) {
        JsonObject target = targets.getJsonObject(t);
        assertThat(refIds.add(target.getString("refId"))).isTrue();
        exprs.add(target.getString("expr"));
      }
    }
    String all = String.join("\n", exprs);
    String p99 = "histogram_quantile(0.99, sum by (instance, le) (rate(";
    assertThat(all).contains("weft_peer_addresses_owned", "weft_addresses_in_use",
        "weft_addresses_owned{", "weft_pending_allocations", "weft_pending_claims",
        p99 + "weft_allocation_latency_seconds_bucket",
        p99 + "weft_store_commit_latency_seconds_bucket",
        "weft_gossip_bytes_sent_total", "weft_container_event_latency_seconds_count");
  }
}
