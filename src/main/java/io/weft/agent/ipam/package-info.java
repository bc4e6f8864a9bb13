/**
 * The ring verticle and what it needs: the one owner of IPAM state on a host.
 *
 * <p>{@link io.weft.agent.ipam.RingVerticle} runs the pure allocator on the event loop. Requests
 * on {@code weft.ipam} (local only) become allocator calls; requests that may wait become
 * promises in {@code WaitingRequests}, bounded per agent and per ident; each outcome goes to
 * {@code GroupCommit}, which writes it with whatever else is waiting in one transaction and only
 * then sends its messages, completes its requests and publishes its events. Peers talk on the
 * clustered event bus ({@code weft.gossip} to all, {@code weft.peer.NAME} to one) in the JSON of
 * {@code Wire}. The consensus that seeds the ring is the consensus verticle's (the package
 * above this one): the ring verticle asks it for a ring and ends it through {@code ConsensusLink}
 * on the local event bus, and carries each consensus outcome it hands back like its own, so
 * this verticle stays the one writer of the store and the one sender to peers.
 */
package io.weft.agent.ipam;
