package io.weft.it.nemesis;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the harness read from the agents after the final heal.
 *
 * @param owned host to ident to the addresses that host's agent holds for it ({@code GET /ip})
 * @param ringsConverged whether every live agent showed the same ring and saw every live peer
 *     within the bound
 * @param convergedMs how long that took after the heal (or the bound, if it did not)
 * @param ringOwners every peer name that owns a ring entry on any live agent
 * @param livePeers the peer names of the agents running at the end
 * @param unexpectedExits agents that exited without the nemesis killing them, with their exit
 * @param errorLines ERROR lines of the agents' logs, prefixed with their host
 */
public record FinalState(Map<Integer, Map<String, Set<String>>> owned, boolean ringsConverged,
    long convergedMs, Set<String> ringOwners, Set<String> livePeers, List<String> unexpectedExits,
    List<String> errorLines) {
}
