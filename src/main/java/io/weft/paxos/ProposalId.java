package io.weft.paxos;

/**
 * A proposal number: ordered by round, then by the proposer's peer name, then its random id.
 * Absent proposals are null and order below every real one; round 0 is never proposed.
 */
public record ProposalId(long round, NodeId proposer) implements Comparable<ProposalId> {
  @Override
  public int compareTo(ProposalId other) {
    int c = Long.compare(round, other.round);
    return c != 0 ? c : proposer.compareTo(other.proposer);
  }

  static int compare(ProposalId a, ProposalId b) {
    if (a == null || b == null) {
      return a == b ? 0 : a == null ? -1 : 1;
    }
    return a.compareTo(b);
  }

  static ProposalId max(ProposalId a, ProposalId b) {
    return compare(a, b) >= 0 ? a : b;
  }
}
