package io.weft.ipam;

import io.weft.net.Cidr;
import io.weft.net.PrefixedAddress;

/** A request that cannot be answered yet; retried on every ring change and every tick. */
sealed interface Pending {
  long requestId();

  String ident();

  /**
   * A request for an ident's address. {@code askedAtMs} is when we last asked a peer for the
   * space or the address; {@code container} marks what the container watcher may free.
   */
  abstract sealed class ForIdent implements Pending {
    final long requestId;
    final String ident;
    final boolean container;
    long askedAtMs = Allocator.NEVER;

    ForIdent(long requestId, String ident, boolean container) {
      this.requestId = requestId;
      this.ident = ident;
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

  /** Allocate in {@code subnet}. */
  final class Allocate extends ForIdent {
    final Cidr subnet;

    Allocate(long requestId, String ident, Cidr subnet, boolean container) {
      super(requestId, ident, container);
      this.subnet = subnet;
    }
  }

  /** Claim one address; {@code answered} once told "ok" early (noErrorOnUnknown). */
  final class Claim extends ForIdent {
    final PrefixedAddress address;
    final boolean noErrorOnUnknown;
    int tries;
    boolean answered;

    Claim(long requestId, String ident, PrefixedAddress address, boolean noErrorOnUnknown,
        boolean container) {
      super(requestId, ident, container);
      this.address = address;
      this.noErrorOnUnknown = noErrorOnUnknown;
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
