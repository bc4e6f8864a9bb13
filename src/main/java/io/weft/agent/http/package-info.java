/**
 * The HTTP API: Weave-compatible paths with plain-text bodies, status, health and metrics. Each
 * IPAM request is forwarded to {@code weft.ipam}; this package only translates.
 */
package io.weft.agent.http;
