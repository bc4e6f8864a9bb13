package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressTest {

  @Test
  void parsesAndFormatsDottedQuads() {
    assertThat(Ip.parse("10.32.0.1")).isEqualTo(0x0A200001L);
    assertThat(Ip.parse("255.255.255.255")).isEqualTo(0xFFFFFFFFL);
    assertThat(Ip.format(0)).isEqualTo("0.0.0.0");
    assertThat(Ip.format(0xFFFFFFFFL)).isEqualTo("255.255.255.255");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "10.32.0", "10.32.0.1.2", "10.32.0.256", "a.b.c.d", "10..0.1",
      " 10.0.0.1", "10.0.0.1 ", "10.0.0.-1", "1000.0.0.1", "10.0.0.1/"})
  void refusesGarbageAddresses(String text) {
    assertThatThrownBy(() -> Ip.parse(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void cidrParsingIsStrictAndQuotesTheInput() {
    assertThat(Cidr.parse("10.32.0.0/12")).isEqualTo(new Cidr(Ip.parse("10.32.0.0"), 12));
    assertThat(Cidr.parse("0.0.0.0/0").size()).isEqualTo(1L << 32);
    assertThatThrownBy(() -> Cidr.parse("10.32.0.1/12"))
        .hasMessageContaining("'10.32.0.1/12' has host bits set")
        .hasMessageContaining("10.32.0.0/12");
    assertThatThrownBy(() -> Cidr.parse("10.32.0.0/33")).hasMessageContaining("'10.32.0.0/33'");
    assertThatThrownBy(() -> Cidr.parse("10.32.0.0/-1")).hasMessageContaining("'10.32.0.0/-1'");
    assertThatThrownBy(() -> Cidr.parse("10.32.0.0")).hasMessageContaining("has no prefix");
    assertThatThrownBy(() -> Cidr.parse("banana/8")).hasMessageContaining("'banana/8'");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).hasMessageContaining("bad prefix");
  }

  @Test
  void hostRangeLeavesOutNetworkAndBroadcast() {
    Cidr subnet = Cidr.parse("10.0.0.0/30");
    assertThat(subnet.hostRange()).isEqualTo(Range.of("10.0.0.1", "10.0.0.3"));
    assertThat(Cidr.parse("10.32.0.0/12").hostRange().size()).isEqualTo((1 << 20) - 2);
    assertThat(Cidr.parse("10.0.0.0/31").hostRange().isEmpty()).isTrue();
  }

  @Test
  void prefixedAddressKeepsHostBitsAndKnowsItsSubnet() {
    PrefixedAddress a = PrefixedAddress.parse("10.32.0.9/12");
    assertThat(a.toString()).isEqualTo("10.32.0.9/12");
    assertThat(a.subnet()).isEqualTo(Cidr.parse("10.32.0.0/12"));
    assertThatThrownBy(() -> PrefixedAddress.parse("10.32.0.9")).hasMessageContaining("no prefix");
  }

  @Test
  void biggestCidrOfFixedCases() {
    assertThat(new Range(0, 1).biggestCidr()).isEqualTo(new Range(0, 1));
    assertThat(new Range(1, 4).biggestCidr()).isEqualTo(new Range(2, 4));
    assertThat(new Range(5, 22).biggestCidr()).isEqualTo(new Range(8, 16));
    assertThat(new Range(0, 1L << 32).biggestCidr()).isEqualTo(new Range(0, 1L << 32));
    assertThat(new Range(3, 3).biggestCidr().isEmpty()).isTrue();
  }

  @Test
  void rangeSplitsIntoCidrs() {
    Range r = new Range(Ip.parse("10.0.0.1"), Ip.parse("10.0.0.9"));
    assertThat(r.toCidrs()).extracting(Cidr::toString)
        .containsExactly("10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/30", "10.0.0.8/32");
    assertThat(new Range(0, 1L << 32).toCidrs()).containsExactly(Cidr.parse("0.0.0.0/0"));
    assertThat(r.toString()).isEqualTo("10.0.0.1-10.0.0.8");
  }

  @Test
  void rangeSetOperations() {
    var a = java.util.List.of(new Range(100, 200), new Range(700, 800), new Range(200, 250));
    assertThat(Ranges.coalesce(a)).containsExactly(new Range(100, 250), new Range(700, 800));
    assertThat(Ranges.subtract(a, java.util.List.of(new Range(150, 160), new Range(750, 900))))
        .containsExactly(new Range(100, 150), new Range(160, 250), new Range(700, 750));
    assertThat(Ranges.totalSize(a)).isEqualTo(250);
  }
}
