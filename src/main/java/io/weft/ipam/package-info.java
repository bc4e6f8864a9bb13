/**
 * One peer's whole IPAM behaviour as a deterministic state machine, the core of weft.
 *
 * <p>{@link io.weft.ipam.Allocator} is the entry point: every input (a request, a message from
 * another peer, a membership change, a tick of time) is a method call that takes the current
 * time, and every effect comes back as an {@link io.weft.ipam.Outcome}: what to persist (rows,
 * and the ring or Paxos knowledge when they changed), what to send, which requests to answer,
 * which events to publish. The caller carries it out in that order, so that no answer gets ahead
 * of the state it reports. Nothing here has a thread, a clock or I/O, which is what lets the
 * simulator run many peers in one thread from one seed.
 *
 * <p>Two machines make a peer, as two verticles run them: {@link io.weft.ipam.Seeding}, the
 * one-time consensus that seeds the ring (it owns Paxos until a ring exists, then does
 * nothing), and the allocator. They meet through outcomes only: the allocator's
 * {@code establish} starts Seeding, Seeding's {@code agreed} seeds go to
 * {@code Allocator.afterConsensus}, and the allocator's {@code ringExists} ends Seeding for
 * good. The simulator composes them exactly so.
 *
 * <p>The allocator in turn composes smaller parts along its seams: {@code RingLife} (the ring
 * asked for, seeded, merged, donated, gossiped and handed out to persist), {@code Departures}
 * (rmpeer and reset), {@code PendingRequests} (requests that wait for a ring, space or a
 * claim), {@code ClaimAttempts}, {@code Releases} (free and delete), {@code ContainerGrace}
 * (dead containers keep addresses for a while), {@code Ledger} (allocation table and space
 * change together), {@code PeerWarnings} and {@code Invariants}. The allocation table
 * ({@code Allocations}, with {@code Idents} and {@code AddressTable}) holds a million allocations
 * in arrays of numbers and bytes rather than an object each, and a restart hands it
 * {@link io.weft.ipam.PackedAllocations} in the same form.
 * {@link io.weft.ipam.AllocatorStatus} is its state as status and metrics read it.
 */
package io.weft.ipam;
