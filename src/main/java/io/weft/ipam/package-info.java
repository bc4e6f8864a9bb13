/**
 * One peer's whole IPAM behaviour as a deterministic state machine, the core of weft.
 *
 * <p>{@link io.weft.ipam.Allocator} is the entry point: every input (a request, a message from
 * another peer, a membership change, a tick of time) is a method call that takes the current
 * time, and every effect comes back as an {@link io.weft.ipam.Outcome}: what to persist (rows,
 * and the ring and Paxos knowledge when they changed), what to send, which requests to answer,
 * which events to publish. The caller carries it out in that order, so that no answer gets ahead
 * of the state it reports. Nothing here has a thread, a clock or I/O, which is what lets the
 * simulator run many peers in one thread from one seed.
 *
 * <p>The allocator composes smaller machines along its seams: {@code Seeding} (the consensus
 * that seeds the ring, owning Paxos until a ring exists), {@code PendingRequests} (requests
 * that wait for a ring, space or a claim), {@code ClaimAttempts}, {@code Releases} (free and
 * delete), {@code ContainerGrace} (dead containers keep addresses for a while), {@code Ledger}
 * (allocation table and space change together), {@code PeerWarnings} and {@code Invariants}.
 * {@link io.weft.ipam.AllocatorStatus} is its state as status and metrics read it.
 */
package io.weft.ipam;
