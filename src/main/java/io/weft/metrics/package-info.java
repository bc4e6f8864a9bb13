/**
 * The Prometheus registry every agent exports at {@code /metrics}, held to Prometheus' naming
 * conventions ({@code promtool check metrics} finds nothing to complain about): base units in
 * names, counters ending in {@code _total}, help text on every metric. The JVM and process
 * meters that break them are dropped or replaced; those an operator watches stay (heap, GC
 * pauses, threads, CPU, open files).
 */
package io.weft.metrics;
