package io.weft.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shipped alert rules, checked and unit-tested with Prometheus' promtool. */
class AlertRulesTest {
  static final String RULES = "conf/prometheus/weft-alerts.yml";
  static final String RULE_TESTS = "conf/prometheus/weft-alerts.test.yml";

  @Test
  void rulesAreValid() throws Exception {
    String promtool = PrometheusTools.require("promtool").toString();
    PrometheusTools.Result checked = PrometheusTools.run(null, promtool, "check", "rules", RULES);
    assertThat(checked.code()).as(checked.output()).isZero();
    assertThat(checked.output()).contains("SUCCESS");
  }

  @Test
  void rulesPassTheirUnitTests() throws Exception {
    String promtool = PrometheusTools.require("promtool").toString();
    PrometheusTools.Result tested =
        PrometheusTools.run(null, promtool, "test", "rules", RULE_TESTS);
    assertThat(tested.code()).as(tested.output()).isZero();
    assertThat(tested.output()).contains("SUCCESS").doesNotContain("FAILED");
  }
}
