/**
 * Cluster membership: Hazelcast settings, the members as the cluster manager reports them (with
 * each agent's peer name in its node metadata), and membership changes on the local event bus.
 */
package io.weft.agent.cluster;
