package io.weft.ipam;

import io.weft.net.Cidr;
import io.weft.net.PrefixedAddress;

/** A request that cannot be answered yet; retried on every ring change and every tick. */
sealed interface Pending {
  long requestId();

  String ident();

  /** Allocate in {@code subnet}; {@code askedAtMs} is when we last asked a peer for space. */
  final class Allocate implements Pending {
    final long requestId;
    final String ident;
    final Cidr subnet;
    final boolean container;
    long askedAtMs = Allocator.NEVER;

    Allocate(long requestId, String ident, Cidr subnet, boolean container) {
      this.requestId = requestId;
      this.ident = ident;
      this.subnet = subnet;
      this.container = container;
    }

    @Override
    public long requestId() {
      return requestId;
    }

    @Override
    public String ident() {
      return ident;
    }
  }

  /** Claim one address; {@code answered} once told "ok" early (noErrorOnUnknown). */
  final class Claim implements Pending {
    final long requestId;
    final String ident;
    final PrefixedAddress address;
    final boolean noErrorOnUnknown;
    final boolean container;
    int tries;
    long askedAtMs = Allocator.NEVER;
    boolean answered;

    Claim(long requestId, String ident, PrefixedAddress address, boolean noErrorOnUnknown,
        boolean container) {
      this.requestId = requestId;
      this.ident = ident;
      this.address = address;
      this.noErrorOnUnknown = noErrorOnUnknown;
      this.container = container;
    }

    @Override
    public long requestId() {
      return requestId;
    }

    @Override
    public String ident() {
      return ident;
    }
  }

  /** Wait until this peer has a ring. */
  record Prime(long requestId) implements Pending {
    @Override
    public String ident() {
      return null;
    }
  }
}
