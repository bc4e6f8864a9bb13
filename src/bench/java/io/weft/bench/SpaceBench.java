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
 * of it in use (scattered at random, so lowest-free has to search).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SpaceBench {
  static final Range UNIVERSE = Cidr.parse("10.32.0.0/12").range();

  @Param({"0", "50", "99"})
  public int percentInUse;

  Space space;

  @Setup
  public void fill() {
    space = new Space();
    space.addRanges(List.of(UNIVERSE));
    SplittableRandom random = new SplittableRandom(1125);
    long target = UNIVERSE.size() * percentInUse / 100;
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
}
