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
 * a few small clusters, 0 and 2^32 - 1 included, so that the address table sees long chains,
 * removals inside them and growth; idents come and go often enough that their ids are
 * renumbered, before and after a restore.
 */
class AllocationsTest {
  private static final long[] BASES = {0, 0x0A200000L, 0xFFFFFFFFL - 300};

  @Property(tries = 300, seed = "20261127")
  void answersLikeAMapOfListsWhateverTheSequence(@ForAll long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Allocations table = new Allocations();
    Model model = new Model();
    int steps = 200 + random.nextInt(2_000);
    for (int step = 0; step < steps; step++) {
      step(table, model, random);
      if (step % 50 == 0) {
        assertSame(table, model, random);
      }
    }
    assertSame(table, model, random);

    // A restart: the idents' bytes stay where the restore read them, and what follows adds
    // idents beside them, removes them and renumbers them all.
    Allocations restored = new Allocations();
    restored.restore(PackedAllocations.of(table.all()));
    assertSame(restored, model, random);
    for (int step = 0; step < steps; step++) {
      step(restored, model, random);
      if (step % 50 == 0) {
        assertSame(restored, model, random);
      }
    }
    assertSame(restored, model, random);
  }

  /** What the table must answer: a map of lists by ident, a map by address. */
  private static final class Model {
    final Map<String, List<Allocation>> byIdent = new LinkedHashMap<>();
    final Map<Long, Allocation> byAddress = new HashMap<>();
  }

  /** Idents of one to three bytes a character, so that lengths in bytes and chars differ. */
  private static String ident(SplittableRandom random) {
    int i = random.nextInt(IDENTS);
    return switch (i % 3) {
      case 0 -> "c" + i;
      case 1 -> "ç" + i;
      default -> "容器" + i;
    };
  }

  private static final int IDENTS = 40;

  private static void step(Allocations table, Model model, SplittableRandom random) {
    int op = random.nextInt(10);
    if (op < 6) {
      Allocation a = new Allocation(ident(random), address(random), 12, random.nextBoolean());
      if (model.byAddress.containsKey(a.ip())) {
        assertThatThrownBy(() -> table.add(a)).hasMessageContaining("is held twice");
      } else {
        table.add(a);
        model.byIdent.computeIfAbsent(a.ident(), i -> new ArrayList<>()).add(a);
        model.byAddress.put(a.ip(), a);
      }
    } else if (op < 9 && !model.byAddress.isEmpty()) {
      List<Allocation> held = new ArrayList<>(model.byAddress.values());
      Allocation a = held.get(random.nextInt(held.size()));
      Allocation otherKind = new Allocation(a.ident(), a.ip(), a.prefix(), !a.container());
      assertThat(table.remove(otherKind)).as("not the allocation held").isFalse();
      assertThat(table.remove(a)).isTrue();
      List<Allocation> list = model.byIdent.get(a.ident());
      list.remove(a);
      if (list.isEmpty()) {
        model.byIdent.remove(a.ident());
      }
      model.byAddress.remove(a.ip());
      assertThat(table.remove(a)).isFalse();
    } else {
      String ident = ident(random);
      List<Allocation> removed = table.removeAll(ident);
      assertThat(removed).containsExactlyElementsOf(model.byIdent.getOrDefault(ident, List.of()));
      removed.forEach(a -> model.byAddress.remove(a.ip()));
      model.byIdent.remove(ident);
    }
  }

  private static long address(SplittableRandom random) {
    long base = BASES[random.nextInt(BASES.length)];
    return base == 0xFFFFFFFFL - 300 ? base + random.nextInt(301) : base + random.nextInt(300);
  }

  private static void assertSame(Allocations table, Model model, SplittableRandom random) {
    assertThat(table.size()).isEqualTo(model.byAddress.size());
    List<Allocation> all = new ArrayList<>();
    model.byIdent.values().forEach(all::addAll);
    assertThat(table.all()).containsExactlyElementsOf(all);
    assertThat(table.idents()).containsExactlyElementsOf(model.byIdent.keySet());
    assertThat(table.idents()).hasSize(model.byIdent.size());
    for (int i = 0; i < IDENTS; i++) {
      for (String ident : List.of("c" + i, "ç" + i, "容器" + i)) {
        assertThat(table.of(ident)).containsExactlyElementsOf(model.byIdent.getOrDefault(ident,
            List.of()));
        assertThat(table.idents().contains(ident)).isEqualTo(model.byIdent.containsKey(ident));
      }
    }
    for (int i = 0; i < 200; i++) {
      long address = address(random);
      assertThat(table.at(address)).isEqualTo(java.util.Optional.ofNullable(
          model.byAddress.get(address)));
    }
    for (Allocation a : model.byAddress.values()) {
      assertThat(table.at(a.ip())).contains(a);
    }
  }

  @Test
  void aRestartsTwoReadersJoinInOrderAndEachAllocationIsBuiltWhenAskedFor() {
    // The lower reader's idents are copied (into segments of its own as they fill), the upper
    // one's stay in the chunks they came in, ten rows to a chunk.
    PackedAllocations.Builder lower = new PackedAllocations.Builder();
    PackedAllocations.Builder upper = new PackedAllocations.Builder();
    upper.expect(180);
    List<Allocation> expected = new ArrayList<>();
    byte[] chunk = null;
    int at = 0;
    for (int i = 0; i < 300; i++) {
      Allocation a = new Allocation(i % 7 == 0 ? "容器" + i : "c" + i, 0x0A200000L + i, 12,
          i % 2 == 0);
      byte[] ident = a.ident().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      if (i < 120) {
        byte[] framed = ("xx" + a.ident() + "yy").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        lower.add(a.ip(), framed, 2, framed.length - 4, a.prefix(), a.container());
      } else {
        if (i % 10 == 0) {
          chunk = new byte[200];
          at = 3;
        }
        System.arraycopy(ident, 0, chunk, at, ident.length);
        upper.addInPlace(a.ip(), chunk, at, ident.length, a.prefix(), a.container());
        at += ident.length + 1;
      }
      expected.add(a);
    }
    PackedAllocations joined = PackedAllocations.Builder.concat(lower, upper);
    assertThat(joined).containsExactlyElementsOf(expected);
    assertThat(PackedAllocations.of(expected)).containsExactlyElementsOf(expected);
    assertThat(PackedAllocations.of(joined)).isSameAs(joined);

    Allocations table = new Allocations();
    table.restore(joined);
    assertThat(table.all()).containsExactlyElementsOf(expected);
    assertThat(table.of("容器7")).containsExactly(expected.get(7));
    assertThatThrownBy(() -> lower.add(1L << 32, new byte[0], 0, 0, 12, true))
        .hasMessageContaining("outside IPv4");
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
    assertThat(table.in("c1", Cidr.parse("10.64.0.0/16"))).hasValue(second.ip());
    assertThat(table.in("c1", Cidr.parse("10.32.0.0/12"))).hasValue(first.ip());
    assertThat(table.in("c1", Cidr.parse("10.48.0.0/12"))).isEmpty();

    assertThat(table.remove(first)).isTrue();
    assertThat(table.of("c1")).containsExactly(second, third);
    assertThat(table.remove(third)).isTrue();
    assertThat(table.of("c1")).containsExactly(second);
    assertThat(table.in("c1", Cidr.parse("10.64.0.0/16"))).hasValue(second.ip());
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
