/**
 * Cluster membership: Hazelcast settings, the Hazelcast member an agent starts (joined by
 * {@link io.weft.agent.cluster.QuickJoiner}, Hazelcast's TCP-IP join without its one-second
 * waits), peer TLS, and the members: nodes the cluster manager lists become members only after
 * answering a greeting over the (mutual-TLS) event bus, with the identity given in that answer;
 * membership changes go out on the local event bus.
 */
package io.weft.agent.cluster;
