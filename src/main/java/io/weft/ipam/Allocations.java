package io.weft.ipam;

import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.PrefixedAddress;
import io.weft.net.Range;
import java.nio.charset.StandardCharsets;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The addresses this peer has handed out, by ident, with the reverse index by address. An
 * anonymous allocation (ident {@code _}) is filed under its bare address ({@code 10.32.0.5}, no
 * prefix), as Weave files it, so that a client which only knows the address (Weave's Docker
 * driver) releases it with {@code DELETE /ip/10.32.0.5}.
 *
 * <p>Held without an object per allocation: an entry is a slot in three arrays (its prefix and
 * kind, its ident's id in {@link Idents}, the ident's next entry) and in {@link AddressTable},
 * which holds its address and finds it by address; by ident, each ident's id chains its
 * entries. An {@link Allocation} is built when one is asked for. A peer holds up to a million
 * allocations, and as objects (an {@code Allocation}, its ident's string and bytes, a map entry)
 * a restart made four million of them before it could serve, which the garbage collector then
 * copied.
 */
final class Allocations {

  static final String ANONYMOUS = "_";

  /** The shape of a free slot: no prefix is negative. */
  private static final byte FREE = -1;

  private Idents idents = new Idents();
  private AddressTable byAddress = new AddressTable();
  /** By entry: its prefix << 1 | container, its ident's id. */
  private byte[] shapes = new byte[16];
  private int[] identOf = new int[16];
  /**
   * By entry: the ident's next entry + 1, the last one's being its first (a ring, so that the
   * ident keeps only its last and still appends in constant time); for a free slot, the next
   * free one.
   */
  private int[] nextOfIdent = new int[16];
  /** Slots ever used, and the free list's head + 1; the entries held are byAddress's. */
  private int used;
  private int free;

  /** The ident an allocation is filed under: the bare address for anonymous ones. */
  static String fileUnder(String ident, PrefixedAddress address) {
    return ANONYMOUS.equals(ident) ? Ip.format(address.address()) : ident;
  }

  void add(Allocation allocation) {
    if (byAddress.get(allocation.ip()) >= 0) {
      throw new IllegalStateException("address " + allocation.address() + " is held twice");
    }
    // Encoded and hashed once, for the lookup and, for a new ident, the filing.
    byte[] ident = allocation.ident().getBytes(StandardCharsets.UTF_8);
    int hash = PackedAllocations.hash(ident, 0, ident.length);
    int id = idents.find(ident, 0, ident.length, hash);
    if (id < 0) {
      if (idents.wantsCompaction()) {
        renumber(idents.compact());
      }
      id = idents.add(ident, hash);
    }
    int e = newEntry();
    byAddress.add(allocation.ip(), e);
    fill(e, shape(allocation.prefix(), allocation.container()), id);
  }

  private static byte shape(int prefix, boolean container) {
    return (byte) (prefix << 1 | (container ? 1 : 0));
  }

  /** Entry {@code e} (filed by address already) becomes the last of ident {@code id}'s. */
  private void fill(int e, byte shape, int id) {
    shapes[e] = shape;
    identOf[e] = id;
    int tail = idents.tail[id] - 1;
    if (tail < 0) {
      nextOfIdent[e] = e + 1;
    } else {
      nextOfIdent[e] = nextOfIdent[tail];
      nextOfIdent[tail] = e + 1;
    }
    idents.tail[id] = e + 1;
  }

  /** The first entry of live ident {@code id}: the one after its last, the chain being a ring. */
  private int firstOf(int id) {
    return nextOfIdent[idents.tail[id] - 1] - 1;
  }

  /** The entry after {@code e} among its ident's, or -1 after the last. */
  private int nextOf(int id, int e) {
    return e == idents.tail[id] - 1 ? -1 : nextOfIdent[e] - 1;
  }

  private int newEntry() {
    if (free > 0) {
      int e = free - 1;
      free = nextOfIdent[e];
      return e;
    }
    if (used == shapes.length) {
      resize(used * 2);
    }
    return used++;
  }

  private void resize(int capacity) {
    shapes = Arrays.copyOf(shapes, capacity);
    identOf = Arrays.copyOf(identOf, capacity);
    nextOfIdent = Arrays.copyOf(nextOfIdent, capacity);
  }

  private void renumber(int[] renumbered) {
    for (int e = 0; e < used; e++) {
      if (shapes[e] != FREE) {
        identOf[e] = renumbered[identOf[e]];
      }
    }
  }

  /**
   * Restore into an empty table, from the arrays a restart read ({@link PackedAllocations}):
   * the tables are sized once, and the idents' bytes stay in the array they were read into.
   */
  void restore(PackedAllocations packed) {
    if (size() > 0) {
      throw new IllegalStateException("restore into a table that already holds allocations");
    }
    int n = packed.size();
    idents = new Idents(packed);
    byAddress = new AddressTable(n);
    resize(Math.max(16, n));
    used = 0;
    free = 0;
    for (int i = 0; i < n; i++) {
      long address = packed.ip(i);
      int e = used;
      if (!byAddress.add(address, e)) {
        throw new IllegalStateException("address " + Ip.format(address) + " is held twice");
      }
      used++;
      int start = packed.identStart(i);
      int id = idents.find(packed.identSegment(start), packed.offsetInSegment(start),
          packed.identLength(i), packed.identHash(i));
      if (id < 0) {
        id = idents.fileRestored(i);
      }
      fill(e, shape(packed.prefix(i), packed.container(i)), id);
    }
  }

  Optional<Allocation> at(long address) {
    int e = byAddress.get(address);
    return e < 0 ? Optional.empty() : Optional.of(allocation(e, idents.name(identOf[e])));
  }

  private Allocation allocation(int e, String ident) {
    return new Allocation(ident, byAddress.address(e), shapes[e] >> 1,
        (shapes[e] & 1) != 0);
  }

  /** The ident's allocations, in the order they were added: a read-only snapshot. */
  List<Allocation> of(String ident) {
    int id = idents.find(ident);
    if (id < 0) {
      return List.of();
    }
    List<Allocation> held = new ArrayList<>(2);
    for (int e = firstOf(id); e >= 0; e = nextOf(id, e)) {
      held.add(allocation(e, ident));
    }
    return Collections.unmodifiableList(held);
  }

  /**
   * The ident's first address anywhere inside {@code subnet}, if it has one: allocation is
   * idempotent. As in Weave, an address given in another subnet that overlaps this one counts,
   * so a container attached to overlapping subnets holds one address there, not one per subnet.
   */
  OptionalLong in(String ident, Cidr subnet) {
    int id = idents.find(ident);
    if (id >= 0) {
      for (int e = firstOf(id); e >= 0; e = nextOf(id, e)) {
        if (subnet.contains(byAddress.address(e))) {
          return OptionalLong.of(byAddress.address(e));
        }
      }
    }
    return OptionalLong.empty();
  }

  boolean remove(Allocation allocation) {
    int e = byAddress.get(allocation.ip());
    if (e < 0 || shapes[e] != shape(allocation.prefix(), allocation.container())
        || idents.find(allocation.ident()) != identOf[e]) {
      return false;
    }
    unlink(identOf[e], e);
    byAddress.remove(allocation.ip());
    shapes[e] = FREE;
    nextOfIdent[e] = free;
    free = e + 1;
    return true;
  }

  /** Takes entry {@code e} out of ident {@code id}'s chain; the ident goes with its last one. */
  private void unlink(int id, int e) {
    if (nextOfIdent[e] - 1 == e) {
      idents.remove(id);
      return;
    }
    int before = e;
    while (nextOfIdent[before] - 1 != e) {
      before = nextOfIdent[before] - 1;
    }
    nextOfIdent[before] = nextOfIdent[e];
    if (idents.tail[id] - 1 == e) {
      idents.tail[id] = before + 1;
    }
  }

  List<Allocation> removeAll(String ident) {
    List<Allocation> removed = of(ident);
    removed.forEach(this::remove);
    return removed;
  }

  /** Every allocation, idents in the order they first allocated. */
  List<Allocation> all() {
    List<Allocation> all = new ArrayList<>(size());
    for (int id = 0; id < idents.ids(); id++) {
      if (idents.isLive(id)) {
        String ident = idents.name(id);
        for (int e = firstOf(id); e >= 0; e = nextOf(id, e)) {
          all.add(allocation(e, ident));
        }
      }
    }
    return all;
  }

  /**
   * Every ident holding an address, in the order they first allocated: a read-only view, not a
   * copy, not to be iterated across a change.
   */
  Set<String> idents() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return idents.live();
      }

      @Override
      public boolean contains(Object o) {
        return o instanceof String ident && idents.find(ident) >= 0;
      }

      @Override
      public Iterator<String> iterator() {
        return new Iterator<>() {
          private int next = liveFrom(0);

          @Override
          public boolean hasNext() {
            return next < idents.ids();
          }

          @Override
          public String next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            String ident = idents.name(next);
            next = liveFrom(next + 1);
            return ident;
          }
        };
      }
    };
  }

  private int liveFrom(int id) {
    while (id < idents.ids() && !idents.isLive(id)) {
      id++;
    }
    return id;
  }

  int size() {
    return byAddress.size();
  }

  void clear() {
    idents.clear();
    byAddress.clear();
    used = 0;
    free = 0;
  }

  /**
   * The addresses of {@code ident}, among the hosts of {@code subnet} only when given. As in
   * Weave, a subnet's network and broadcast addresses are not its hosts: an address claimed there
   * belongs to a larger subnet, and {@code weave detach} frees what a lookup lists.
   */
  List<PrefixedAddress> lookup(String ident, Cidr subnet) {
    Range hosts = subnet == null ? null
        : subnet.size() <= 2 ? subnet.range() : subnet.hostRange();
    List<PrefixedAddress> found = new ArrayList<>();
    for (Allocation a : of(ident)) {
      if (hosts == null || hosts.contains(a.ip())) {
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
