package io.weft.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Set;

/** Creates the agent's registry, with the conventions applied before any meter registers. */
public final class MetricRegistries {
  /**
   * Meters whose Micrometer names break Prometheus' conventions: {@code jvm_compilation_time_ms}
   * and {@code process_cpu_time_ns} carry abbreviated units, {@code system_cpu_count} looks like
   * part of a histogram. The CPU time comes back as {@code process_cpu_seconds_total}, the name
   * Prometheus' own clients use.
   */
  static final Set<String> DROPPED =
      Set.of("jvm.compilation.time", "process.cpu.time", "system.cpu.count");

  private MetricRegistries() {}

  /** A Prometheus registry with the conventions applied and open files and CPU time bound. */
  public static PrometheusMeterRegistry create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(MeterFilter.deny(id -> DROPPED.contains(id.getName())));
    new FileDescriptorMetrics().bindTo(registry);
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      FunctionCounter.builder("process.cpu", sun, b -> b.getProcessCpuTime() / 1e9)
          .baseUnit("seconds").description("CPU time used by the agent's JVM")
          .register(registry);
    }
    return registry;
  }
}
