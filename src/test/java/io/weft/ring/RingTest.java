package io.weft.ring;

import static io.weft.ring.Rings.PEER1;
import static io.weft.ring.Rings.PEER2;
import static io.weft.ring.Rings.PEER3;
import static io.weft.ring.Rings.SMALL;
import static io.weft.ring.Rings.ip;
import static io.weft.ring.Rings.ring;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.net.Cidr;
import io.weft.net.Range;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RingTest {
  static final Range DEFAULT = Cidr.parse("10.32.0.0/12").range();

  static List<PeerName> peers(int n) {
    List<PeerName> peers = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      peers.add(new PeerName(i));
    }
    return peers;
  }

  /** Each peer's owned ranges as CIDR text, peers in name order. */
  static Map<PeerName, String> split(int n) {
    Ring r = new Ring(DEFAULT, new PeerName(1));
    r.claimForPeers(peers(n));
    return peers(n).stream().collect(Collectors.toMap(p -> p, p -> r.ownedRanges(p).stream()
        .flatMap(x -> x.toCidrs().stream()).map(Cidr::toString).collect(Collectors.joining(","))));
  }

  @Test
  void initialSplitHalvesRecursivelyOverSortedPeers() {
    assertThat(split(1)).containsValue("10.32.0.0/12");
    Map<PeerName, String> two = split(2);
    assertThat(two.get(new PeerName(1))).isEqualTo("10.32.0.0/13");
    assertThat(two.get(new PeerName(2))).isEqualTo("10.40.0.0/13");
    Map<PeerName, String> three = split(3);
    assertThat(three.get(new PeerName(1))).isEqualTo("10.32.0.0/13");
    assertThat(three.get(new PeerName(2))).isEqualTo("10.40.0.0/14");
    assertThat(three.get(new PeerName(3))).isEqualTo("10.44.0.0/14");
    assertThat(split(4).values()).containsExactlyInAnyOrder(
        "10.32.0.0/14", "10.36.0.0/14", "10.40.0.0/14", "10.44.0.0/14");
    Map<PeerName, String> five = split(5);
    assertThat(five.get(new PeerName(3))).isEqualTo("10.40.0.0/14");
    assertThat(five.get(new PeerName(4))).isEqualTo("10.44.0.0/15");
    assertThat(five.get(new PeerName(5))).isEqualTo("10.46.0.0/15");
    Map<PeerName, String> six = split(6);
    assertThat(six.get(new PeerName(1))).isEqualTo("10.32.0.0/14");
    assertThat(six.get(new PeerName(2))).isEqualTo("10.36.0.0/15");
    assertThat(six.get(new PeerName(4))).isEqualTo("10.40.0.0/14");
    assertThat(six.get(new PeerName(6))).isEqualTo("10.46.0.0/15");
    assertThat(split(8).values()).allMatch(c -> c.endsWith("/15")).hasSize(8);
  }

  @Test
  void threePeerSplitCounts() {
    Ring r = new Ring(DEFAULT, new PeerName(1));
    r.claimForPeers(List.of(new PeerName(3), new PeerName(1), new PeerName(2), new PeerName(1)));
    assertThat(r.ownedByPeer().values()).containsExactly(524288L, 262144L, 262144L);
    assertThat(r.seeds()).containsExactly(new PeerName(1), new PeerName(2), new PeerName(3));
    assertThat(r.freeByPeer().values()).containsExactly(524288L, 262144L, 262144L);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
  void claimForPeersOnEightAddressesCoversEverything(int n) {
    Ring r = new Ring(new Range(ip("10.0.0.0"), ip("10.0.0.8")), new PeerName(1));
    r.claimForPeers(peers(n));
    assertThat(r.checkInvariants()).isEmpty();
    assertThat(r.ownedByPeer().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(8);
    Entry last = r.entries().get(r.entries().size() - 1);
    assertThat(last.token() + last.free()).isEqualTo(ip("10.0.0.8"));
  }

  @Test
  void ownerWrapsAroundAndEmptyRingHasNone() {
    Ring r = ring(PEER1);
    assertThat(r.owner(ip("10.0.0.5"))).isEmpty();
    r.claimForPeers(List.of(PEER1));
    r.grantRangeToHost(ip("10.0.0.10"), ip("10.0.0.250"), PEER2);
    assertThat(r.owner(ip("10.0.0.5"))).contains(PEER1);
    assertThat(r.owner(ip("10.0.0.10"))).contains(PEER2);
    assertThat(r.owner(ip("10.0.0.249"))).contains(PEER2);
    assertThat(r.owner(ip("10.0.0.255"))).contains(PEER1);
    assertThatThrownBy(() -> r.owner(ip("10.0.1.0"))).hasMessageContaining("outside the universe");
  }

  @Test
  void grantSplitAddsTwoTokens() {
    Ring r = ring(PEER1);
    r.claimForPeers(List.of(PEER1));
    r.grantRangeToHost(ip("10.0.0.10"), ip("10.0.0.245"), PEER2);
    assertThat(r.entries()).containsExactly(
        new Entry(ip("10.0.0.0"), PEER1, 1, 10),
        new Entry(ip("10.0.0.10"), PEER2, 0, 235),
        new Entry(ip("10.0.0.245"), PEER1, 0, 11));
  }

  @Test
  void grantAllAndGrantTailBack() throws Exception {
    Ring r1 = ring(PEER1);
    r1.claimForPeers(List.of(PEER1));
    r1.grantRangeToHost(SMALL.start(), SMALL.end(), PEER2);
    assertThat(r1.entries()).containsExactly(new Entry(SMALL.start(), PEER2, 1, 256));
    Ring r2 = ring(PEER2);
    r2.merge(r1.state(), Rings::noAllocations);
    r2.grantRangeToHost(ip("10.0.0.128"), SMALL.end(), PEER1);
    assertThat(r2.entries()).containsExactly(
        new Entry(ip("10.0.0.0"), PEER2, 2, 128), new Entry(ip("10.0.0.128"), PEER1, 0, 128));
    assertThat(r2.ownedRanges()).containsExactly(new Range(ip("10.0.0.0"), ip("10.0.0.128")));
  }

  @Test
  void grantSpanningALiveToken() throws Exception {
    Ring r = ring(PEER1);
    r.claimForPeers(List.of(PEER1));
    r.grantRangeToHost(ip("10.0.0.128"), ip("10.0.0.200"), PEER2);
    Ring r2 = ring(PEER2);
    r2.merge(r.state(), Rings::noAllocations);
    r2.grantRangeToHost(ip("10.0.0.128"), ip("10.0.0.200"), PEER1);
    r.merge(r2.state(), Rings::noAllocations);
    r.grantRangeToHost(ip("10.0.0.100"), ip("10.0.0.250"), PEER3);
    assertThat(r.owner(ip("10.0.0.150"))).contains(PEER3);
    assertThat(r.owner(ip("10.0.0.250"))).contains(PEER1);
    assertThat(r.owner(ip("10.0.0.99"))).contains(PEER1);
    assertThat(r.ownedRanges(PEER3))
        .containsExactly(new Range(ip("10.0.0.100"), ip("10.0.0.250")));
  }

  @Test
  void grantRefusesWhatIsNotOurs() {
    Ring r = ring(PEER1);
    r.claimForPeers(List.of(PEER1, PEER2));
    assertThatThrownBy(() -> r.grantRangeToHost(ip("10.0.0.100"), ip("10.0.0.200"), PEER3))
        .hasMessageContaining("not all of it is ours");
    assertThatThrownBy(() -> r.grantRangeToHost(ip("10.0.0.10"), ip("10.0.0.5"), PEER3))
        .hasMessageContaining("empty");
  }

  @Test
  void ownedRangesSplitAtTheWrap() {
    Ring r = ring(PEER1);
    r.claimForPeers(List.of(PEER1));
    r.grantRangeToHost(ip("10.0.0.0"), ip("10.0.0.16"), PEER2);
    r.grantRangeToHost(ip("10.0.0.240"), SMALL.end(), PEER2);
    assertThat(r.ownedRanges(PEER2)).containsExactly(
        new Range(ip("10.0.0.0"), ip("10.0.0.16")), new Range(ip("10.0.0.240"), SMALL.end()));
    assertThat(r.ownedRanges(PEER1)).containsExactly(new Range(ip("10.0.0.16"), ip("10.0.0.240")));
  }

  @Test
  void transferMovesEntriesWithAVersionJumpAndLeavesATombstone() {
    Ring r = ring(PEER1);
    r.claimForPeers(List.of(PEER1, PEER2));
    long moved = r.transfer(PEER2, PEER1, true);
    assertThat(moved).isEqualTo(128);
    assertThat(r.entries()).allMatch(e -> e.peer().equals(PEER1));
    assertThat(r.entries().get(1).version()).isEqualTo(100);
    assertThat(r.removed()).containsExactly(PEER2);
    assertThat(r.transfer(PEER1, PEER3, false)).isEqualTo(256);
    assertThat(r.removed()).containsExactly(PEER2);
  }

  @Test
  void transferBackRestoresOwnershipAndANewGrantResurrectsTheEndToken() {
    Ring r = ring(PEER1);
    r.claimForPeers(List.of(PEER1));
    r.grantRangeToHost(ip("10.0.0.64"), ip("10.0.0.128"), PEER2);
    r.transfer(PEER2, PEER1, false);
    assertThat(r.ownedRanges()).containsExactly(SMALL);
    r.grantRangeToHost(ip("10.0.0.64"), ip("10.0.0.100"), PEER3);
    assertThat(r.ownedRanges(PEER3)).containsExactly(new Range(ip("10.0.0.64"), ip("10.0.0.100")));
    assertThat(r.checkInvariants()).isEmpty();
  }

  @Test
  void reportFreeBumpsTheVersionOfChangedEntriesOnly() {
    Ring r = ring(PEER1);
    r.claimForPeers(List.of(PEER1, PEER2));
    assertThat(r.reportFree(range -> range.size())).isFalse();
    assertThat(r.reportFree(range -> range.size() - 1)).isTrue();
    assertThat(r.entries().get(0)).isEqualTo(new Entry(ip("10.0.0.0"), PEER1, 1, 127));
    assertThat(r.entries().get(1).version()).isZero();
  }

  @Test
  void choosesDonorsByReportedFreeSpaceOnly() {
    Ring r = ring(PEER1);
    SplittableRandom random = new SplittableRandom(7);
    assertThat(r.choosePeerToAskForSpace(SMALL, p -> true, random)).isEmpty();
    r.claimForPeers(List.of(PEER1));
    assertThat(r.choosePeerToAskForSpace(SMALL, p -> true, random)).isEmpty();
    r.grantRangeToHost(ip("10.0.0.128"), SMALL.end(), PEER2);
    assertThat(r.choosePeerToAskForSpace(SMALL, p -> true, random)).contains(PEER2);
    assertThat(r.choosePeerToAskForSpace(SMALL, p -> false, random)).isEmpty();
    Range lowHalf = new Range(ip("10.0.0.0"), ip("10.0.0.128"));
    assertThat(r.choosePeerToAskForSpace(lowHalf, p -> true, random)).isEmpty();
    r.grantRangeToHost(ip("10.0.0.0"), ip("10.0.0.64"), PEER3);
    assertThat(r.choosePeerToAskForSpace(lowHalf, p -> true, random)).contains(PEER3);
    int[] picks = new int[2];
    for (int i = 0; i < 1000; i++) {
      PeerName p = r.choosePeerToAskForSpace(SMALL, x -> true, random).orElseThrow();
      picks[p.equals(PEER2) ? 0 : 1]++;
    }
    // PEER2 reports 128 free, PEER3 64: about two picks in three go to PEER2.
    assertThat(picks[0]).isBetween(580, 750);
  }

  @Test
  void invariantsCatchUnsortedRepeatedAndOutOfRangeTokens() {
    assertThat(RingChecks.entries(SMALL, List.of(new Entry(ip("10.0.0.9"), PEER1, 0, 0),
        new Entry(ip("10.0.0.8"), PEER1, 0, 0)))).contains("ring not sorted");
    assertThat(RingChecks.entries(SMALL, List.of(new Entry(ip("10.0.0.9"), PEER1, 0, 0),
        new Entry(ip("10.0.0.9"), PEER1, 0, 0)))).contains("token appears twice in ring");
    assertThat(RingChecks.entries(SMALL, List.of(new Entry(SMALL.end(), PEER1, 0, 0))).get())
        .contains("out of range");
    assertThat(RingChecks.entries(SMALL, List.of(new Entry(SMALL.start() - 1, PEER1, 0, 0))))
        .isPresent();
    assertThat(RingChecks.entries(SMALL, List.of(new Entry(SMALL.start(), PEER1, 0, 257))).get())
        .contains("too much free space: 257 > 256");
  }

  @Test
  void peerNamesParseFormatAndOrder() {
    assertThat(PeerName.parse("7A:1f:00:3c:9e:01").toString()).isEqualTo("7a:1f:00:3c:9e:01");
    assertThat(PeerName.parse("00:00:00:00:00:02")).isGreaterThan(new PeerName(1));
    assertThatThrownBy(() -> PeerName.parse("7a:1f:00:3c:9e")).hasMessageContaining("six hex pairs");
    PeerName random = PeerName.random(new SplittableRandom(1));
    assertThat(random.value() >>> 40 & 0x03).isEqualTo(0x02);
  }
}
