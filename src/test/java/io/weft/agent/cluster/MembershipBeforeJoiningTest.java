package io.weft.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The agent serves (and answers {@code /status}) while Hazelcast is still joining: membership
 * must answer then too, without a cluster to ask.
 */
class MembershipBeforeJoiningTest {
  @Test
  void beforeTheJoinNoNodeIsListedAndNoMemberKnown() {
    Membership membership = new Membership(null, m -> { });
    assertThat(membership.listed()).isZero();
    assertThat(membership.members()).isEmpty();
  }
}
