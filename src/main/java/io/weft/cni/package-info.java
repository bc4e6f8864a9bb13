/**
 * {@code weft-ipam}, the CNI IPAM plugin: a short-lived process per runtime call that turns the
 * CNI commands into requests to the local agent's HTTP API. Nothing here may load Vert.x or
 * Hazelcast, so that the JVM starts in a fraction of a second.
 */
package io.weft.cni;
