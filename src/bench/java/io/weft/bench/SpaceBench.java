package io.weft.bench;

import io.weft.net.Cidr;
import io.weft.net.Range;
import io.weft.space.Space;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Allocate then free one address in a peer that owns the whole default /12, with 0, 50 or 99%
 * of it in use: scattered at random (so lowest-free has to search), or packed at the bottom as
 * a peer that allocated them in order holds them. Searched from the range's first address, or
 * from its second as an allocation in a subnet is (the first is the network address).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SpaceBench {
  static final Range UNIVERSE = Cidr.parse("10.32.0.0/12").range();
  static final Range HOSTS = new Range(UNIVERSE.start() + 1, UNIVERSE.end() - 1);

  @Param({"0", "50", "99"})
  public int percentInUse;

  @Param({"scattered", "packed"})
  public String layout;

  Space space;

  @Setup
  public void fill() {
    space = new Space();
    space.addRanges(List.of(UNIVERSE));
    SplittableRandom random = new SplittableRandom(1125);
    long target = UNIVERSE.size() * percentInUse / 100;
    if (layout.equals("packed")) {
      for (long a = UNIVERSE.start() + 1; space.numUsed() < target; a++) {
        space.claim(a);
      }
    }
    while (space.numUsed() < target) {
      long a = UNIVERSE.start() + random.nextLong(UNIVERSE.size());
      if (!space.isUsed(a)) {
        space.claim(a);
      }
    }
  }

  @Benchmark
  public long allocateAndFree() {
    long a = space.allocate(UNIVERSE).getAsLong();
    space.free(a);
    return a;
  }

  @Benchmark
  public long allocateAndFreeFromTheSecondAddress() {
    long a = space.allocate(HOSTS).getAsLong();
    space.free(a);
    return a;
  }
}
