package io.weft.agent;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.weft.metrics.GuardedMetricsFactory;
import io.weft.metrics.MetricRegistries;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The agent's local Vert.x and its metric registry. They need nothing from the data directory, so
 * {@link #buildInBackground} makes them on a thread of their own while the starting thread opens
 * the store and restores the state: about 0.1 s of a start that the two cores do side by side.
 */
record LocalRuntime(Vertx vertx, PrometheusMeterRegistry metrics) {

  /** Starts building; {@link Pending#get} waits for it. */
  static Pending buildInBackground(AgentOptions options) {
    CompletableFuture<LocalRuntime> built = new CompletableFuture<>();
    Thread builder = new Thread(() -> {
      try {
        built.complete(build(options));
      } catch (Throwable t) {
        built.completeExceptionally(t);
      }
    }, "weft-start");
    builder.setDaemon(true);
    builder.start();
    return new Pending(built);
  }

  private static LocalRuntime build(AgentOptions options) {
    PrometheusMeterRegistry metrics = MetricRegistries.create();
    options.tls().ifPresent(t -> Gauge.builder("weft.tls.certificate.expiry", t,
            f -> f.expiry().getEpochSecond())
        .baseUnit("seconds")
        .description("When this host's peer-traffic certificate (--tls-cert) expires, as Unix time")
        .register(metrics));
    VertxOptions vertxOptions = new VertxOptions()
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
            // Bound once the agent serves (MetricRegistries.bindJvm): reading the JVM's
            // management beans the first time costs ~0.1 s.
            .setJvmMetricsEnabled(false)
            // Per-message event-bus meters cost ~10% of an allocation's CPU; peer traffic is
            // counted by weft_gossip_* instead.
            .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS));
    Vertx vertx = Vertx.builder().with(vertxOptions)
        .withMetrics(new GuardedMetricsFactory(metrics)).build();
    return new LocalRuntime(vertx, metrics);
  }

  /** A runtime being built. */
  static final class Pending {
    private final CompletableFuture<LocalRuntime> built;

    private Pending(CompletableFuture<LocalRuntime> built) {
      this.built = built;
    }

    /** Waits for the runtime; a failure to build it is the agent's failure to start. */
    LocalRuntime get() throws AgentStartException {
      try {
        return built.get();
      } catch (ExecutionException e) {
        throw new AgentStartException("cannot start Vert.x: " + e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AgentStartException("interrupted while starting");
      }
    }

    /** Closes the runtime once built, for a start that failed before it was used. */
    void discard() {
      built.thenAccept(runtime -> runtime.vertx().close());
    }
  }
}
