/**
 * The agent: start-up, options, the data directory lock and readiness. {@link
 * io.weft.agent.Agent} opens the store, deploys the verticles of the packages below on a local
 * (not clustered) Vert.x and serves at once, while {@code ClusterJoin} joins Hazelcast on a
 * second, clustered Vert.x in the background and then attaches it as the peer transport. Which
 * of the two starts first is {@code StartOrder}'s: a peer that can allocate alone serves first; a
 * fresh peer of a cluster, with nothing to allocate from until a quorum agrees, begins its join
 * first, so that the join's waits pass while its local side starts.
 *
 * <p>Why two Vert.x instances and not a faster join: Hazelcast's join waits for the listed peers
 * (4.5 s when they are down, as long as they last when they accept connections but do not
 * answer), and a Vert.x cannot add its cluster manager later. Tuning the join (shorter
 * connection timeouts, no wait before joining: already set) shortens the common case but cannot
 * make a restarted peer serve "whatever the cluster is doing". With the local parts on their own
 * Vert.x, HTTP and the ring verticle are up as soon as the store is loaded; a peer with a ring
 * answers allocations, claims, frees and lookups from its own ranges; what needs other peers
 * (consensus, donations, claims of their addresses) waits in the allocator, as it does in a
 * partition, until the membership reports them after the join. Safety is that of a partitioned
 * peer, which the simulator covers (a restarted peer serves before it hears from anyone).
 *
 * <p>The same split lets the agent leave a stuck cluster and join it again without a restart:
 * {@code ClusterWatch} probes the joined cluster and {@code StuckCluster} decides when it will not
 * mend by itself (Vert.x's cluster manager blocked inside a membership change, or this agent's own
 * greeting no longer crossing the clustered event bus); {@code ClusterJoin} then terminates the
 * Hazelcast member and joins again while the local side keeps serving.
 *
 * <p>Logging is configured in code by {@code LogConfigurator} (a logback {@code Configurator}
 * service), not from a logback.xml: parsing the XML cost about a tenth of a second of every start.
 * A start uses both cores: {@code EarlyStart} configures logging and the SQLite driver while the
 * command line is parsed, and {@code LocalRuntime} builds the local Vert.x and its metric
 * registry while the store opens and restores (the store itself reads its two halves at once);
 * the JVM's meters are bound once the agent serves.
 *
 * <p>The packages form layers (each imports only from the ones below it):
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
