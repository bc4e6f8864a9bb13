/**
 * The ring verticle and what it needs: the one owner of IPAM state on a host.
 *
 * <p>{@link io.weft.agent.ipam.RingVerticle} runs the pure allocator on the event loop. Requests
 * on {@code weft.ipam} (local only) become allocator calls in {@code LocalApi}; the HTTP API's
 * allocations and frees reach the same methods by a direct call on the verticle's context
 * ({@link io.weft.agent.ipam.LocalIpam}: no event-bus message, no JSON between the two), and
 * either way the answer goes back through an {@code Answer}. Requests that may wait become
 * promises in {@code WaitingRequests}, bounded per agent and per ident; each outcome goes to
 * {@code GroupCommit}, which writes it with whatever else is waiting in one transaction and only
 * then sends its messages, completes its requests and publishes its events. Peers talk on the
 * clustered event bus ({@code weft.gossip} to all, {@code weft.peer.NAME} to one) in the JSON of
 * {@code Wire}, through a {@code PeerTransport}: in the agent a {@code ClusterTransport}, which
 * relays between the clustered Vert.x (joined in the background) and the verticle's local one,
 * and carries nothing until it is attached. Events go to other peers only while one of them
 * relays every peer's events to a tool ({@code PeerEventListeners}): Vert.x asks Hazelcast again
 * at every publication to an address that nobody consumes. The consensus that seeds the ring is the consensus
 * verticle's (the package above this one): the ring verticle asks it for a ring and ends it
 * through {@code ConsensusLink} on the local event bus, and carries each consensus outcome it
 * hands back like its own, so this verticle stays the one writer of the store and the one
 * sender to peers (the transport relays {@code weft.consensus.peer.NAME} too).
 *
 * <p>Test hook: the system property {@code weft.test.hook=skip-store} ({@code TestHooks}) makes
 * the agent answer without storing, a deliberately broken variant that the nemesis test
 * ({@code io.weft.it.NemesisIT}) must catch as lost allocations after a kill -9. The agent warns
 * at start when it is set; nothing else reads it.
 */
package io.weft.agent.ipam;
