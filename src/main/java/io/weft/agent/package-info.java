/**
 * The agent: start-up, options, the data directory lock and readiness. {@link
 * io.weft.agent.Agent} opens the store, joins the cluster and deploys the verticles of the
 * packages below, which form layers (each imports only from the ones below it):
 *
 * <pre>
 *   agent            start-up, options, data directory, readiness
 *   agent.http       HTTP API        agent.bridge   TCP event-bus bridge
 *   agent.ipam       the ring verticle, waiting requests, group commit, wire codec, status
 *   agent.cluster    membership, Hazelcast settings
 *   io.weft.ipam ... the pure core (no Vert.x)
 * </pre>
 */
package io.weft.agent;
