/**
 * The SQLite file that holds a peer's state: allocation rows, the ring and Paxos knowledge as
 * JSON, the peer name and the range. {@link io.weft.store.Batch} is one transaction; the agent
 * commits batches from one writer off the event loop. {@link io.weft.store.DiskFull} tells a full
 * disk, which the writer waits out, from a failure that stops the agent. SQLite's native library
 * is kept beside the file ({@code native/}) instead of unpacked into /tmp at every start. A
 * restart reads the allocation rows in chunks that SQLite packs into one blob each
 * ({@code AllocationRows}), the two halves of the addresses at once on two connections, or rather
 * the snapshot of those chunks ({@code Snapshot}): a clean stop packs all of it, a change makes
 * only its own part stale, and the writer packs stale parts again while the agent runs, so that
 * a start after a crash reads the table only where it changed.
 */
package io.weft.store;
