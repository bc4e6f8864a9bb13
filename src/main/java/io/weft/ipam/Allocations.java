package io.weft.ipam;

import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.PrefixedAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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

  private Map<String, List<Allocation>> byIdent = new LinkedHashMap<>();
  private Map<Long, Allocation> byAddress = new HashMap<>();

  /** The ident an allocation is filed under: the bare address for anonymous ones. */
  static String fileUnder(String ident, PrefixedAddress address) {
    return ANONYMOUS.equals(ident) ? Ip.format(address.address()) : ident;
  }

  void add(Allocation allocation) {
    if (byAddress.containsKey(allocation.address().address())) {
      throw new IllegalStateException("address " + allocation.address() + " is held twice");
    }
    byIdent.computeIfAbsent(allocation.ident(), i -> new ArrayList<>(1)).add(allocation);
    byAddress.put(allocation.address().address(), allocation);
  }

  /**
   * Restore into an empty table: the maps are sized for {@code restored} once instead of
   * growing (and rehashing) step by step through a million allocations.
   */
  void restore(List<Allocation> restored) {
    if (!byAddress.isEmpty()) {
      throw new IllegalStateException("restore into a table that already holds allocations");
    }
    int capacity = (int) Math.min(1 << 30, restored.size() * 4L / 3 + 16);
    byAddress = new HashMap<>(capacity);
    byIdent = new LinkedHashMap<>(capacity);
    restored.forEach(this::add);
  }

  Optional<Allocation> at(long address) {
    return Optional.ofNullable(byAddress.get(address));
  }

  List<Allocation> of(String ident) {
    return Collections.unmodifiableList(byIdent.getOrDefault(ident, List.of()));
  }

  /** The ident's address inside {@code subnet}, if it has one (allocation is idempotent). */
  Optional<Allocation> in(String ident, Cidr subnet) {
    for (Allocation a : byIdent.getOrDefault(ident, List.of())) {
      if (subnet.contains(a.address().address()) && a.address().prefix() == subnet.prefix()) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  boolean remove(Allocation allocation) {
    List<Allocation> list = byIdent.get(allocation.ident());
    if (list == null || !list.remove(allocation)) {
      return false;
    }
    if (list.isEmpty()) {
      byIdent.remove(allocation.ident());
    }
    byAddress.remove(allocation.address().address());
    return true;
  }

  List<Allocation> removeAll(String ident) {
    List<Allocation> removed = new ArrayList<>(byIdent.getOrDefault(ident, List.of()));
    removed.forEach(this::remove);
    return removed;
  }

  /** Every allocation, idents in the order they first allocated. */
  List<Allocation> all() {
    List<Allocation> all = new ArrayList<>(byAddress.size());
    byIdent.values().forEach(all::addAll);
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
      if (subnet == null || subnet.contains(a.address().address())) {
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
