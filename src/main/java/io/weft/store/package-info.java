/**
 * The SQLite file that holds a peer's state: allocation rows, the ring and Paxos knowledge as
 * JSON, the peer name and the range. {@link io.weft.store.Batch} is one transaction; the agent
 * commits batches from one writer off the event loop. {@link io.weft.store.DiskFull} tells a full
 * disk, which the writer waits out, from a failure that stops the agent. SQLite's native library
 * is kept beside the file ({@code native/}) instead of unpacked into /tmp at every start. A
 * restart reads the allocation rows in chunks that SQLite packs into one blob each
 * ({@code AllocationRows}), the two halves of the addresses at once on two connections; after a
 * clean stop it reads the snapshot of those chunks that the stop saved ({@code Snapshot}) instead,
 * which the first change to an allocation retires.
 */
package io.weft.store;
