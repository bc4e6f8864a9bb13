package io.weft.space;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.Range;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpaceTest {

  static long ip(String text) {
    return Ip.parse(text);
  }

  static Space owning(Range... ranges) {
    Space space = new Space();
    space.addRanges(List.of(ranges));
    return space;
  }

  @Test
  void allocatesLowestFreeFirstAndCounts() {
    Range twenty = new Range(ip("10.0.3.4"), ip("10.0.3.24"));
    Space space = owning(twenty);
    assertThat(new Space().allocate(twenty)).isEmpty();
    assertThat(space.allocate(twenty)).hasValue(ip("10.0.3.4"));
    assertThat(space.numFreeInRange(twenty)).isEqualTo(19);
    assertThat(space.allocate(twenty)).hasValue(ip("10.0.3.5"));
    assertThat(space.numFreeInRange(twenty)).isEqualTo(18);
    assertThat(space.numFreeInRange(new Range(ip("10.0.3.0"), ip("10.0.3.20")))).isEqualTo(14);
    space.free(ip("10.0.3.4"));
    assertThat(space.allocate(twenty)).hasValue(ip("10.0.3.4"));
    assertThat(space.numUsed()).isEqualTo(2);
    assertThat(space.numOwned()).isEqualTo(20);
  }

  @Test
  void claimAndFreeCheckTheirPreconditions() {
    Space space = owning(new Range(100, 200), new Range(700, 800));
    space.claim(150);
    assertThatThrownBy(() -> space.claim(150)).hasMessageContaining("not free to claim");
    assertThatThrownBy(() -> space.claim(300)).hasMessageContaining("is not ours");
    space.free(150);
    assertThatThrownBy(() -> space.free(150)).hasMessageContaining("not in use");
    assertThatThrownBy(() -> space.free(300)).hasMessageContaining("not in use");
    assertThat(space.allocate(new Range(200, 1000))).hasValue(700);
  }

  @Test
  void donatesTheBiggestAlignedFreeBlock() {
    Space space = owning(new Range(100, 200));
    space.claim(150);
    assertThat(space.donate(new Range(0, 1000))).contains(new Range(0xa0, 0xc0));
    assertThat(space.ownedRanges())
        .containsExactly(new Range(100, 160), new Range(192, 200));
  }

  @Test
  void scarceSpaceDonatesSingleAddresses() {
    Space space = owning(new Range(0, 3));
    space.claim(0);
    space.claim(2);
    assertThat(space.donate(new Range(0, 3))).contains(new Range(1, 2));
    assertThat(space.donate(new Range(0, 3))).isEmpty();
  }

  @Test
  void aWholeFreeSlash12DonatesItsUpperSlash13() {
    Range universe = Cidr.parse("10.32.0.0/12").range();
    Space space = owning(universe);
    assertThat(space.donate(universe)).contains(Cidr.parse("10.40.0.0/13").range());
    assertThat(space.numOwned()).isEqualTo(524288);
  }

  @Test
  void sixtyFourFreeDonatesTheUpperHalfThenEverything() {
    Range r = new Range(ip("10.0.1.0"), ip("10.0.1.64"));
    Space space = owning(r);
    assertThat(space.donate(r)).contains(new Range(ip("10.0.1.32"), ip("10.0.1.64")));
    long given = 32;
    for (var more = space.donate(r); more.isPresent(); more = space.donate(r)) {
      given += more.get().size();
    }
    assertThat(given).isEqualTo(64);
    assertThat(space.numOwned()).isZero();
  }

  @Test
  void donateHardGivesSixteenWhenOnlyTheLastOfFortyEightIsUsed() {
    Range r = new Range(ip("10.0.1.0"), ip("10.0.1.48"));
    Space space = owning(r);
    for (int i = 0; i < 48; i++) {
      space.allocate(r);
    }
    for (long a = r.start(); a < r.end() - 1; a++) {
      space.free(a);
    }
    assertThat(space.donate(r)).contains(Cidr.parse("10.0.1.16/28").range());
    assertThat(space.numFreeInRange(r)).isEqualTo(31);
  }

  @Test
  void fullSpaceDonatesNothingAndFreedAddressesDonateFromTheTop() {
    Range r = new Range(ip("10.0.3.16"), ip("10.0.3.32"));
    Space space = owning(r);
    for (int i = 0; i < 16; i++) {
      space.allocate(r);
    }
    assertThat(space.donate(r)).isEmpty();
    space.free(ip("10.0.3.23"));
    space.free(ip("10.0.3.31"));
    assertThat(space.freeRuns(r)).containsExactly(new Range(ip("10.0.3.23"), ip("10.0.3.24")),
        new Range(ip("10.0.3.31"), ip("10.0.3.32")));
    space.free(ip("10.0.3.30"));
    assertThat(space.donate(r)).contains(new Range(ip("10.0.3.31"), ip("10.0.3.32")));
  }

  @Test
  void removeRangesSplitsChunksAndReportsDroppedAllocations() {
    Space space = owning(new Range(0, 256));
    space.claim(10);
    space.claim(200);
    assertThat(space.removeRanges(List.of(new Range(128, 256)))).containsExactly(200L);
    assertThat(space.ownedRanges()).containsExactly(new Range(0, 128));
    assertThat(space.isUsed(10)).isTrue();
    assertThat(space.removeRanges(List.of(new Range(20, 30)))).isEmpty();
    assertThat(space.ownedRanges()).containsExactly(new Range(0, 20), new Range(30, 128));
    assertThat(space.isUsed(10)).isTrue();
    assertThat(space.checkInvariants()).isEmpty();
    space.addRanges(List.of(new Range(0, 256)));
    assertThat(space.ownedRanges()).containsExactly(new Range(0, 256));
    assertThat(space.numUsed()).isEqualTo(1);
  }

  @Test
  void aMillionAddressesInUseInOneSlash12() {
    Range universe = Cidr.parse("10.32.0.0/12").range();
    Space space = owning(universe);
    for (int i = 0; i < 1_000_000; i++) {
      space.allocate(universe);
    }
    assertThat(space.numUsed()).isEqualTo(1_000_000);
    assertThat(space.allocate(universe)).hasValue(universe.start() + 1_000_000);
    space.free(universe.start() + 7);
    assertThat(space.allocate(universe)).hasValue(universe.start() + 7);
    assertThat(space.checkInvariants()).isEmpty();
  }

  @Test
  void searchesFromASubnetsSecondAddressResumeWhereTheLastEnded() {
    // The subnet's network address (offset 0) is never handed out: the words the searches
    // found full must still be skipped, or every allocation scans them all.
    Chunk chunk = new Chunk(0, 1 << 20);
    for (long i = 1; i <= 10_000; i++) {
      assertThat(chunk.nextFree(1, 1 << 20)).isEqualTo(i);
      chunk.set(i);
    }
    assertThat(chunk.searchStartsAt(1)).isEqualTo(10_001 / 64);
    chunk.clear(4_000);
    assertThat(chunk.searchStartsAt(1)).isEqualTo(4_000 / 64);
    assertThat(chunk.nextFree(1, 1 << 20)).isEqualTo(4_000);
    chunk.set(4_000);
    assertThat(chunk.nextFree(1, 1 << 20)).isEqualTo(10_001);
    assertThat(chunk.searchStartsAt(1)).isEqualTo(10_001 / 64);
    assertThat(chunk.nextFree(0, 1 << 20)).isZero();
    assertThat(chunk.consistent()).isTrue();
  }

  @Test
  void allocationsAlternatingBetweenTwoSubnetsKeepBothStretches() {
    // Two /16 subnets of one owned /12, as two Docker networks would allocate from it.
    long a = 1;
    long b = (1 << 16) + 1;
    Chunk chunk = new Chunk(0, 1 << 20);
    for (int i = 0; i < 5_000; i++) {
      assertThat(chunk.nextFree(a, 1 << 16)).isEqualTo(a + i);
      chunk.set(a + i);
      assertThat(chunk.nextFree(b, 2 << 16)).isEqualTo(b + i);
      chunk.set(b + i);
    }
    assertThat(chunk.searchStartsAt(a)).isEqualTo((int) ((a + 5_000) / 64));
    assertThat(chunk.searchStartsAt(b)).isEqualTo((int) ((b + 5_000) / 64));
    chunk.clear(b + 100);
    assertThat(chunk.searchStartsAt(a)).isEqualTo((int) ((a + 5_000) / 64));
    assertThat(chunk.nextFree(b, 2 << 16)).isEqualTo(b + 100);
    assertThat(chunk.consistent()).isTrue();
  }
}
