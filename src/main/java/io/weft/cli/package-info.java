/**
 * The {@code weft} command line (picocli): {@code launch} starts an agent; the other commands
 * talk to a running agent over its HTTP API. Exit codes: 0 success, 1 the agent answered an
 * error, 2 bad usage, 3 no agent reachable.
 */
package io.weft.cli;
