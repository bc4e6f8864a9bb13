/**
 * The {@code weft} command line (picocli): {@code launch} starts an agent; the other commands
 * talk to a running agent over its HTTP API. Exit codes: 0 success, 1 the agent answered an
 * error, 2 bad usage, 3 no agent reachable.
 *
 * <p>The client commands are short-lived processes that operators and scripts run constantly,
 * so their path stays light: picocli, a plain-socket HTTP/1.1 request and jackson-core's
 * streaming parser. No Vert.x, Hazelcast or logback class loads for them ({@code LightCliIT}
 * checks it with the JVM's class-load log); {@code launch} loads the agent only when it runs.
 */
package io.weft.cli;
