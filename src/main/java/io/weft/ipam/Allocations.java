package io.weft.ipam;

import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.PrefixedAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The addresses this peer has handed out, by ident, with the reverse index by address. An
 * anonymous allocation (ident {@code _}) is filed under its bare address ({@code 10.32.0.5}, no
 * prefix), as Weave files it, so that a client which only knows the address (Weave's Docker
 * driver) releases it with {@code DELETE /ip/10.32.0.5}.
 */
final class Allocations {

  static final String ANONYMOUS = "_";

  // An ident maps to its one Allocation, or to an Allocation[] (in the order they were added)
  // when it holds several: most idents hold one address, and a list for each would be two
  // objects more per allocation.
  private Map<String, Object> byIdent = new LinkedHashMap<>();
  private AddressTable byAddress = new AddressTable();

  /** The ident an allocation is filed under: the bare address for anonymous ones. */
  static String fileUnder(String ident, PrefixedAddress address) {
    return ANONYMOUS.equals(ident) ? Ip.format(address.address()) : ident;
  }

  void add(Allocation allocation) {
    if (!byAddress.add(allocation)) {
      throw new IllegalStateException("address " + allocation.address() + " is held twice");
    }
    byIdent.merge(allocation.ident(), allocation, Allocations::append);
  }

  private static Object append(Object held, Object added) {
    Allocation a = (Allocation) added;
    if (held instanceof Allocation one) {
      return new Allocation[] {one, a};
    }
    Allocation[] several = (Allocation[]) held;
    Allocation[] more = Arrays.copyOf(several, several.length + 1);
    more[several.length] = a;
    return more;
  }

  /**
   * Restore into an empty table: the maps are sized for {@code restored} once instead of
   * growing (and rehashing) step by step through a million allocations.
   */
  void restore(List<Allocation> restored) {
    if (byAddress.size() > 0) {
      throw new IllegalStateException("restore into a table that already holds allocations");
    }
    byAddress = new AddressTable(restored.size());
    byIdent = new LinkedHashMap<>((int) Math.min(1 << 30, restored.size() * 4L / 3 + 16));
    restored.forEach(this::add);
  }

  Optional<Allocation> at(long address) {
    return Optional.ofNullable(byAddress.get(address));
  }

  /** The ident's allocations, in the order they were added: a read-only snapshot. */
  List<Allocation> of(String ident) {
    Object held = byIdent.get(ident);
    if (held == null) {
      return List.of();
    }
    return held instanceof Allocation one ? List.of(one) : List.of((Allocation[]) held);
  }

  /** The ident's address inside {@code subnet}, if it has one (allocation is idempotent). */
  Optional<Allocation> in(String ident, Cidr subnet) {
    Object held = byIdent.get(ident);
    if (held instanceof Allocation one) {
      return inSubnet(one, subnet) ? Optional.of(one) : Optional.empty();
    }
    if (held != null) {
      for (Allocation a : (Allocation[]) held) {
        if (inSubnet(a, subnet)) {
          return Optional.of(a);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean inSubnet(Allocation a, Cidr subnet) {
    return subnet.contains(a.ip()) && a.prefix() == subnet.prefix();
  }

  boolean remove(Allocation allocation) {
    Object held = byIdent.get(allocation.ident());
    if (held instanceof Allocation one) {
      if (!one.equals(allocation)) {
        return false;
      }
      byIdent.remove(allocation.ident());
    } else if (held != null) {
      Allocation[] several = (Allocation[]) held;
      int at = Arrays.asList(several).indexOf(allocation);
      if (at < 0) {
        return false;
      }
      Allocation[] fewer = new Allocation[several.length - 1];
      System.arraycopy(several, 0, fewer, 0, at);
      System.arraycopy(several, at + 1, fewer, at, fewer.length - at);
      byIdent.put(allocation.ident(), fewer.length == 1 ? fewer[0] : fewer);
    } else {
      return false;
    }
    byAddress.remove(allocation.ip());
    return true;
  }

  List<Allocation> removeAll(String ident) {
    List<Allocation> removed = of(ident);
    removed.forEach(this::remove);
    return removed;
  }

  /** Every allocation, idents in the order they first allocated. */
  List<Allocation> all() {
    List<Allocation> all = new ArrayList<>(byAddress.size());
    for (Object held : byIdent.values()) {
      if (held instanceof Allocation one) {
        all.add(one);
      } else {
        all.addAll(Arrays.asList((Allocation[]) held));
      }
    }
    return all;
  }

  /** Every ident holding an address: a read-only view, not a copy. */
  Set<String> idents() {
    return Collections.unmodifiableSet(byIdent.keySet());
  }

  int size() {
    return byAddress.size();
  }

  void clear() {
    byIdent.clear();
    byAddress.clear();
  }

  /** The addresses of {@code ident}, in {@code subnet} only when given. */
  List<PrefixedAddress> lookup(String ident, Cidr subnet) {
    List<PrefixedAddress> found = new ArrayList<>();
    for (Allocation a : of(ident)) {
      if (subnet == null || subnet.contains(a.ip())) {
        found.add(a.address());
      }
    }
    return found;
  }

  /** Every allocation's address by ident, idents in the order they first allocated. */
  Map<String, List<PrefixedAddress>> byIdent() {
    Map<String, List<PrefixedAddress>> owned = new LinkedHashMap<>();
    for (Allocation a : all()) {
      owned.computeIfAbsent(a.ident(), i -> new ArrayList<>()).add(a.address());
    }
    return owned;
  }
}
