/**
 * Single-decree Paxos carried by gossip: the one-time decision of which peers seed the ring.
 * There are no separate messages; every node gossips what it knows of every node's claims
 * (promise, accepted proposal and value) and moves its own forward as far as that knowledge
 * allows. Pure: the caller supplies gossip and decides when to propose.
 */
package io.weft.paxos;
