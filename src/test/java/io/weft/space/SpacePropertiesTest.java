package io.weft.space;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.net.Range;
import java.util.BitSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Space against a plain BitSet model of "owned" and "used", step by step. */
class SpacePropertiesTest {
  static final int SIZE = 512;

  /** The dumb reference: two bitsets over [0, SIZE). */
  static final class Model {
    final BitSet owned = new BitSet(SIZE);
    final BitSet used = new BitSet(SIZE);

    OptionalLong allocate(Range r) {
      for (int a = (int) r.start(); a < r.end(); a++) {
        if (owned.get(a) && !used.get(a)) {
          used.set(a);
          return OptionalLong.of(a);
        }
      }
      return OptionalLong.empty();
    }

    long free(Range r) {
      long n = 0;
      for (int a = (int) r.start(); a < r.end(); a++) {
        n += owned.get(a) && !used.get(a) ? 1 : 0;
      }
      return n;
    }
  }

  static Range randomRange(SplittableRandom random) {
    int a = random.nextInt(SIZE + 1);
    int b = random.nextInt(SIZE + 1);
    return new Range(Math.min(a, b), Math.max(a, b));
  }

  @Property(tries = 300, seed = "1125")
  void agreesWithABitSetModelOnEveryStep(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Space space = new Space();
    Model model = new Model();
    for (int step = 0; step < 400; step++) {
      Range r = randomRange(random);
      long a = random.nextInt(SIZE);
      switch (random.nextInt(7)) {
        case 0 -> {
          space.addRanges(List.of(r));
          model.owned.set((int) r.start(), (int) r.end());
        }
        case 1 -> {
          if (random.nextInt(4) == 0) {
            List<Long> dropped = space.removeRanges(List.of(r));
            BitSet expected = (BitSet) model.used.clone();
            expected.and(model.owned);
            BitSet inRange = new BitSet();
            inRange.set((int) r.start(), (int) r.end());
            expected.and(inRange);
            assertThat(dropped).hasSize(expected.cardinality());
            model.owned.clear((int) r.start(), (int) r.end());
            model.used.clear((int) r.start(), (int) r.end());
          }
        }
        case 2, 3 -> assertThat(space.allocate(r)).isEqualTo(model.allocate(r));
        case 4 -> {
          boolean claimable = model.owned.get((int) a) && !model.used.get((int) a);
          if (claimable) {
            space.claim(a);
            model.used.set((int) a);
          }
          assertThat(space.isOwned(a) && !space.isUsed(a)).isFalse();
        }
        case 5 -> {
          if (model.used.get((int) a) && model.owned.get((int) a)) {
            space.free(a);
            model.used.clear((int) a);
          }
        }
        default -> {
          long freeBefore = model.free(r);
          var donated = space.donate(r);
          if (freeBefore == 0) {
            assertThat(donated).isEmpty();
          } else {
            Range d = donated.orElseThrow();
            assertThat(r.contains(d)).isTrue();
            assertThat(Long.bitCount(d.size())).isEqualTo(1);
            assertThat(d.start() % d.size()).isZero();
            assertThat(model.free(d)).isEqualTo(d.size());
            assertThat(d.size() == 1 || d.size() <= freeBefore / 2 + 1).isTrue();
            model.owned.clear((int) d.start(), (int) d.end());
          }
        }
      }
      Range all = new Range(0, SIZE);
      assertThat(space.numFreeInRange(r)).isEqualTo(model.free(r));
      assertThat(space.numFreeInRange(all)).isEqualTo(model.free(all));
      assertThat(space.numOwned()).isEqualTo(model.owned.cardinality());
      assertThat(space.checkInvariants()).isEmpty();
    }
  }
}
