package io.weft.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.net.Cidr;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The allocation table against a plain model (a map of lists by ident, a map by address): any
 * sequence of adds, removals and restores leaves both answering alike. Addresses are drawn from
 * a few small clusters, 0 and 2^32 - 1 included, so that the open-addressing table sees long
 * probe runs, removals inside them and growth.
 */
class AllocationsTest {
  private static final long[] BASES = {0, 0x0A200000L, 0xFFFFFFFFL - 300};

  @Property(tries = 300, seed = "20261127")
  void answersLikeAMapOfListsWhateverTheSequence(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Allocations table = new Allocations();
    Map<String, List<Allocation>> byIdent = new LinkedHashMap<>();
    Map<Long, Allocation> byAddress = new HashMap<>();
    int steps = 200 + random.nextInt(2_000);
    for (int step = 0; step < steps; step++) {
      int op = random.nextInt(10);
      if (op < 6) {
        Allocation a = new Allocation("c" + random.nextInt(40), address(random), 12,
            random.nextBoolean());
        if (byAddress.containsKey(a.ip())) {
          assertThatThrownBy(() -> table.add(a)).hasMessageContaining("is held twice");
        } else {
          table.add(a);
          byIdent.computeIfAbsent(a.ident(), i -> new ArrayList<>()).add(a);
          byAddress.put(a.ip(), a);
        }
      } else if (op < 9 && !byAddress.isEmpty()) {
        List<Allocation> held = new ArrayList<>(byAddress.values());
        Allocation a = held.get(random.nextInt(held.size()));
        assertThat(table.remove(a)).isTrue();
        List<Allocation> list = byIdent.get(a.ident());
        list.remove(a);
        if (list.isEmpty()) {
          byIdent.remove(a.ident());
        }
        byAddress.remove(a.ip());
        assertThat(table.remove(a)).isFalse();
      } else {
        String ident = "c" + random.nextInt(40);
        List<Allocation> removed = table.removeAll(ident);
        assertThat(removed).containsExactlyElementsOf(byIdent.getOrDefault(ident, List.of()));
        removed.forEach(a -> byAddress.remove(a.ip()));
        byIdent.remove(ident);
      }
      if (step % 50 == 0) {
        assertSame(table, byIdent, byAddress, random);
      }
    }
    assertSame(table, byIdent, byAddress, random);

    Allocations restored = new Allocations();
    restored.restore(table.all());
    assertSame(restored, byIdent, byAddress, random);
  }

  private static long address(SplittableRandom random) {
    long base = BASES[random.nextInt(BASES.length)];
    return base == 0xFFFFFFFFL - 300 ? base + random.nextInt(301) : base + random.nextInt(300);
  }

  private static void assertSame(Allocations table, Map<String, List<Allocation>> byIdent,
      Map<Long, Allocation> byAddress, SplittableRandom random) {
    assertThat(table.size()).isEqualTo(byAddress.size());
    List<Allocation> all = new ArrayList<>();
    byIdent.values().forEach(all::addAll);
    assertThat(table.all()).containsExactlyElementsOf(all);
    assertThat(table.idents()).containsExactlyElementsOf(byIdent.keySet());
    for (int i = 0; i < 40; i++) {
      String ident = "c" + i;
      assertThat(table.of(ident)).containsExactlyElementsOf(byIdent.getOrDefault(ident,
          List.of()));
    }
    for (int i = 0; i < 200; i++) {
      long address = address(random);
      assertThat(table.at(address)).isEqualTo(java.util.Optional.ofNullable(
          byAddress.get(address)));
    }
    for (Allocation a : byAddress.values()) {
      assertThat(table.at(a.ip())).contains(a);
    }
  }

  @Test
  void anIdentWithSeveralAddressesKeepsTheirOrderAndFindsEachBySubnet() {
    Allocations table = new Allocations();
    Allocation first = new Allocation("c1", 0x0A200005L, 12, true);
    Allocation second = new Allocation("c1", 0x0A400007L, 16, true);
    Allocation third = new Allocation("c1", 0x0A200009L, 12, true);
    table.add(first);
    table.add(second);
    table.add(third);

    assertThat(table.of("c1")).containsExactly(first, second, third);
    assertThat(table.in("c1", Cidr.parse("10.64.0.0/16"))).contains(second);
    assertThat(table.in("c1", Cidr.parse("10.32.0.0/12"))).contains(first);
    assertThat(table.in("c1", Cidr.parse("10.48.0.0/12"))).isEmpty();

    assertThat(table.remove(first)).isTrue();
    assertThat(table.of("c1")).containsExactly(second, third);
    assertThat(table.remove(third)).isTrue();
    assertThat(table.of("c1")).containsExactly(second);
    assertThat(table.in("c1", Cidr.parse("10.64.0.0/16"))).contains(second);
    assertThat(table.remove(second)).isTrue();
    assertThat(table.idents()).isEmpty();
    assertThat(table.size()).isZero();
  }

  @Test
  void anAllocationKeepsTheWholeIpv4RangeAndRefusesWhatIsNotAnAddress() {
    Allocation top = new Allocation("c", 0xFFFFFFFFL, 32, false);
    assertThat(top.ip()).isEqualTo(0xFFFFFFFFL);
    assertThat(top.address().toString()).isEqualTo("255.255.255.255/32");
    assertThat(top).isEqualTo(new Allocation("c", top.address(), false));
    assertThatThrownBy(() -> new Allocation("c", 1L << 32, 12, true))
        .hasMessageContaining("outside IPv4");
    assertThatThrownBy(() -> new Allocation("c", 5, 33, true))
        .hasMessageContaining("outside 0..32");
  }
}
