package io.weft.ipam;

import io.weft.net.PrefixedAddress;
import java.util.Objects;

/**
 * One address given to an ident. Only {@code container} allocations are freed when their
 * container goes away; {@code weave:expose}-style and anonymous ones stay until freed.
 *
 * <p>A value like a record, but the address and its prefix are held as numbers, not as a
 * {@link PrefixedAddress}: a peer keeps one of these per address it has handed out, up to a
 * million, and one object less each is less to restore after a restart and less to collect.
 */
public final class Allocation {
  private final String ident;
  private final int address;
  private final byte prefix;
  private final boolean container;

  public Allocation(String ident, PrefixedAddress address, boolean container) {
    this(ident, address.address(), address.prefix(), container);
  }

  /** From the parts as stored; checked like a {@link PrefixedAddress}. */
  public Allocation(String ident, long address, int prefix, boolean container) {
    PrefixedAddress.check(address, prefix);
    this.ident = Objects.requireNonNull(ident, "ident");
    this.address = (int) address;
    this.prefix = (byte) prefix;
    this.container = container;
  }

  public String ident() {
    return ident;
  }

  public PrefixedAddress address() {
    return new PrefixedAddress(ip(), prefix);
  }

  /** The address alone, without its prefix. */
  public long ip() {
    return Integer.toUnsignedLong(address);
  }

  public int prefix() {
    return prefix;
  }

  public boolean container() {
    return container;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Allocation a && a.address == address && a.prefix == prefix
        && a.container == container && a.ident.equals(ident);
  }

  @Override
  public int hashCode() {
    return (ident.hashCode() * 31 + address) * 31 + prefix * 2 + (container ? 1 : 0);
  }

  @Override
  public String toString() {
    return "Allocation[ident=" + ident + ", address=" + address() + ", container=" + container
        + "]";
  }
}
