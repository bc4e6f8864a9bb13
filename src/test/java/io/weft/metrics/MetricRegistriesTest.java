package io.weft.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The registry's scrape text keeps the operator's JVM meters and drops the misnamed ones. */
class MetricRegistriesTest {
  @Test
  void misnamedMetersAreDroppedAndCpuTimeIsInSeconds() {
    PrometheusMeterRegistry registry = MetricRegistries.create();
    // The binders Vert.x binds with JVM metrics enabled.
    new JvmCompilationMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    String scrape = registry.scrape();
    assertThat(scrape).doesNotContain("jvm_compilation_time_ms")
        .doesNotContain("process_cpu_time_ns").doesNotContain("system_cpu_count");
    assertThat(scrape).contains("process_cpu_seconds_total ").contains("process_cpu_usage ")
        .contains("process_files_open_files ").contains("jvm_memory_used_bytes{area=\"heap\"")
        .contains("jvm_threads_live_threads ");
    // Seconds, not nanoseconds: no more CPU time than every core for the JVM's whole life.
    double cpuSeconds = registry.get("process.cpu").functionCounter().count();
    double uptimeSeconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
    assertThat(cpuSeconds).isPositive()
        .isLessThan((uptimeSeconds + 1) * Runtime.getRuntime().availableProcessors());
  }
}
