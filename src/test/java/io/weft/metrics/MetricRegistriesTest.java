package io.weft.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** The registry's scrape text keeps the operator's JVM meters and drops the misnamed ones. */
class MetricRegistriesTest {
  @Test
  void misnamedMetersAreDroppedAndCpuTimeIsInSeconds() throws Exception {
    PrometheusMeterRegistry registry = MetricRegistries.create();
    // The JIT's meter is not among the agent's binders; the filter drops it all the same.
    new JvmCompilationMetrics().bindTo(registry);
    AutoCloseable jvm = MetricRegistries.bindJvm(registry);
    String scrape = registry.scrape();
    jvm.close();
    assertThat(scrape).doesNotContain("jvm_compilation_time_ms")
        .doesNotContain("process_cpu_time_ns").doesNotContain("system_cpu_count");
    assertThat(scrape).contains("process_cpu_seconds_total ").contains("process_cpu_usage ")
        .contains("process_files_open_files ").contains("jvm_memory_used_bytes{area=\"heap\"")
        .contains("jvm_threads_live_threads ").contains("jvm_gc_").contains("jvm_classes_loaded")
        .contains("process_uptime_seconds ").contains("system_cpu_usage ");
    // Seconds, not nanoseconds: no more CPU time than every core for the JVM's whole life.
    double cpuSeconds = registry.get("process.cpu").functionCounter().count();
    double uptimeSeconds = ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0;
    assertThat(cpuSeconds).isPositive()
        .isLessThan((uptimeSeconds + 1) * Runtime.getRuntime().availableProcessors());
  }
}
