package io.weft.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;
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

  /**
   * Binds the JVM's and the system's meters (heap, GC, threads, classes, CPU, uptime): the
   * binders Vert.x binds with its JVM metrics on, without the JIT's compilation time (dropped
   * above anyway). Reading the JVM's management beans the first time costs ~0.1 s, so the agent
   * calls this on a worker once it serves rather than before. Closing what it returns removes
   * the GC listeners two of them register with the JVM.
   */
  public static AutoCloseable bindJvm(MeterRegistry registry) {
    JvmGcMetrics gc = new JvmGcMetrics();
    JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();
    List<MeterBinder> binders = List.of(new ClassLoaderMetrics(), gc, heapPressure,
        new JvmInfoMetrics(), new JvmMemoryMetrics(), new JvmThreadMetrics(),
        new ProcessorMetrics(), new UptimeMetrics());
    binders.forEach(binder -> binder.bindTo(registry));
    return () -> {
      gc.close();
      heapPressure.close();
    };
  }
}
