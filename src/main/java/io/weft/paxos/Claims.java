package io.weft.paxos;

import io.weft.ring.PeerName;
import java.util.List;

/**
 * What one node has done: the highest proposal it promised, and the proposal (with its value)
 * it last accepted. Any field may be null before the node has done that.
 *
 * @param value  the peers to seed the ring with
 * @param origin the proposal that first chose {@code value}: nodes accepting the same origin agree
 */
public record Claims(ProposalId promise, ProposalId accepted, List<PeerName> value,
    ProposalId origin) {

  public static final Claims EMPTY = new Claims(null, null, null, null);

  public Claims {
    value = value == null ? null : List.copyOf(value);
  }

  Claims withPromise(ProposalId p) {
    return new Claims(p, accepted, value, origin);
  }

  Claims withAccepted(ProposalId p, List<PeerName> v, ProposalId o) {
    return new Claims(promise, p, v, o);
  }
}
