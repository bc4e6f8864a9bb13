/**
 * The HTTP API: Weave-compatible paths with plain-text bodies, status, health and metrics. IPAM
 * allocations and frees are direct calls on the IPAM verticle's context ({@code LocalIpam}, the
 * hot path), every other IPAM request goes to {@code weft.ipam}; this package only translates.
 */
package io.weft.agent.http;
