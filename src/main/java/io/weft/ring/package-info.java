/**
 * The ring: a CRDT that says which peer owns which part of the shared range. Each entry is a
 * token (a range start), its owner and a version; two rings merge by taking, per token, the
 * entry of higher version, and a merge that would let two peers own one address is refused.
 * Peers change only their own entries, except rmpeer, which takes over a dead peer's. Pure:
 * no clock, no I/O.
 */
package io.weft.ring;
