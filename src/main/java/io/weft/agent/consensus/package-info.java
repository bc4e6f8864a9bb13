/**
 * The consensus verticle: the one-time agreement on which peers seed the ring, as the design
 * card draws it beside the ring verticle.
 *
 * <p>{@link io.weft.agent.consensus.ConsensusVerticle} runs the pure {@code io.weft.ipam.Seeding}
 * machine on its own event loop. It listens on the clustered {@code weft.gossip} (where every
 * peer's Paxos knowledge is published) and {@code weft.consensus.peer.NAME} (what a peer tells
 * this one when it joins) only while this peer has no ring; once the ring exists
 * it unregisters everything, and a peer started with a persisted ring never listens at all.
 *
 * <p>It talks to the ring verticle over the <em>local event bus</em>
 * ({@code io.weft.agent.ipam.ConsensusLink}), not by direct calls: the two verticles run on
 * different event-loop contexts (Vert.x gives each deployment its own), and each machine must
 * only ever be touched by its own context. A message through a local codec costs no encoding
 * and keeps each side single-threaded. The ring verticle stays the one writer of the store and
 * the one sender of peer messages: a consensus step's outcome goes to it to be persisted (a
 * Paxos promise must survive a crash before anyone hears it) and then gossiped, and its agreed
 * seeds become the ring through {@code Allocator.afterConsensus}. This package therefore sits
 * above {@code agent.ipam} and imports from it, never the reverse.
 */
package io.weft.agent.consensus;
