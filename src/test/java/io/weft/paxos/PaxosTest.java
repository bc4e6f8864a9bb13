package io.weft.paxos;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.ring.PeerName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class PaxosTest {

  static NodeId node(int peer, long uid) {
    return new NodeId(new PeerName(peer), uid);
  }

  @Test
  void aSingleNodeWithQuorumOneDecidesAlone() {
    Paxos paxos = new Paxos(node(1, 7), 1);
    assertThat(paxos.consensus()).isEmpty();
    paxos.propose();
    assertThat(paxos.consensus()).contains(List.of(new PeerName(1)));
  }

  @Test
  void twoNodesAgreeOnBothPeers() {
    Paxos a = new Paxos(node(1, 1), 2);
    Paxos b = new Paxos(node(2, 2), 2);
    a.propose();
    for (int i = 0; i < 4 && (a.consensus().isEmpty() || b.consensus().isEmpty()); i++) {
      b.update(a.state());
      b.think();
      a.update(b.state());
      a.think();
    }
    assertThat(a.consensus()).contains(List.of(new PeerName(1), new PeerName(2)));
    assertThat(b.consensus()).isEqualTo(a.consensus());
  }

  @Test
  void proposalsOrderByRoundThenPeerThenUid() {
    ProposalId low = new ProposalId(1, node(9, 9));
    ProposalId high = new ProposalId(2, node(1, 1));
    assertThat(low).isLessThan(high);
    assertThat(new ProposalId(2, node(1, 5))).isGreaterThan(high);
    assertThat(new ProposalId(2, node(2, 0))).isGreaterThan(new ProposalId(2, node(1, 9)));
  }

  @Test
  void aRestartedNodeKeepsItsPromises() {
    Paxos before = new Paxos(node(1, 1), 2);
    before.update(java.util.Map.of(node(2, 2), new Claims(new ProposalId(5, node(2, 2)), null,
        null, null)));
    before.think();
    Paxos after = Paxos.restore(node(1, 99), 2, before.state());
    assertThat(after.state().get(node(1, 99)).promise()).isEqualTo(new ProposalId(5, node(2, 2)));
  }

  /**
   * The original's test: 10 nodes, quorum 6, a random connected graph, gossip delivered one link
   * at a time, random re-proposals and isolations. Nobody's first-seen value ever changes and
   * all agree. (The original also let pairs of live nodes share a peer name; weft counts quorum
   * by peer name and never runs two live acceptors under one name: a restart restores its
   * claims, a duplicate name is refused at join.)
   */
  @Property(tries = 1000, seed = "1125")
  void randomNetworksNeverDecideTwoValues(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int n = 10;
    List<Paxos> nodes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      nodes.add(new Paxos(node(i + 1, random.nextLong()), 6));
    }
    boolean[][] link = new boolean[n][n];
    for (int i = 1; i < n; i++) {
      int j = random.nextInt(i);
      link[i][j] = link[j][i] = true;
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        if (random.nextInt(2) == 0) {
          link[i][j] = link[j][i] = true;
        }
      }
    }
    List<Optional<List<PeerName>>> firstSeen = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      firstSeen.add(Optional.empty());
    }
    int isolated = -1;
    nodes.get(random.nextInt(n)).propose();
    for (int step = 0; step < 4_000; step++) {
      int from = random.nextInt(n);
      int to = random.nextInt(n);
      if (from == to || !link[from][to] || from == isolated || to == isolated) {
        continue;
      }
      Paxos receiver = nodes.get(to);
      if (receiver.update(nodes.get(from).state())) {
        receiver.think();
      }
      if (random.nextInt(100) == 0) {
        nodes.get(random.nextInt(n)).propose();
      }
      if (random.nextInt(100) == 0) {
        isolated = isolated >= 0 ? -1 : random.nextInt(n);
      }
      Optional<List<PeerName>> now = receiver.consensus();
      if (firstSeen.get(to).isEmpty()) {
        firstSeen.set(to, now);
      } else {
        assertThat(now).as("node %d changed its mind", to).isEqualTo(firstSeen.get(to));
      }
    }
    List<PeerName> agreed = null;
    for (Optional<List<PeerName>> value : firstSeen) {
      if (value.isPresent()) {
        if (agreed == null) {
          agreed = value.get();
        }
        assertThat(value.get()).isEqualTo(agreed);
      }
    }
    assertThat(agreed).as("some node saw consensus").isNotNull();
  }
}
