/**
 * The Prometheus registry every agent exports at {@code /metrics}, held to Prometheus' naming
 * conventions ({@code promtool check metrics} finds nothing to complain about): base units in
 * names, counters ending in {@code _total}, help text on every metric. The JVM and process
 * meters that break them are dropped or replaced; those an operator watches stay (heap, GC
 * pauses, threads, CPU, open files). Vert.x's HTTP server metrics are guarded against a request
 * that arrives before the server's metrics exist ({@link io.weft.metrics.GuardedMetricsFactory}).
 */
package io.weft.metrics;
