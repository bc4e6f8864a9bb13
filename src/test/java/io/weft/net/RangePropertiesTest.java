package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class RangePropertiesTest {

  @Property(tries = 100_000, seed = "20261125")
  void biggestCidrIsInsideAlignedAPowerOfTwoAndOverAQuarter(
      @ForAll @LongRange(min = 0, max = (1L << 32) - 1) long start,
      @ForAll @LongRange(min = 1, max = 1L << 32) long length) {
    long end = Math.min(1L << 32, start + length);
    Range range = new Range(start, end);
    Range block = range.biggestCidr();
    assertThat(range.contains(block)).isTrue();
    assertThat(Long.bitCount(block.size())).isEqualTo(1);
    assertThat(block.start() % block.size()).isZero();
    assertThat(block.size() * 4).isGreaterThan(range.size());
  }

  @Property(tries = 10_000, seed = "20261125")
  void cidrsCoverTheRangeExactly(
      @ForAll @LongRange(min = 0, max = (1L << 32) - 1) long start,
      @ForAll @LongRange(min = 0, max = 1L << 20) long length) {
    Range range = new Range(start, Math.min(1L << 32, start + length));
    long at = range.start();
    for (Cidr c : range.toCidrs()) {
      assertThat(c.address()).isEqualTo(at);
      at += c.size();
    }
    assertThat(at).isEqualTo(range.end());
  }
}
