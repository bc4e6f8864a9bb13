package io.weft.ipam;

import io.weft.net.Ip;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Free and delete: answered at once, never waiting. An address claimed under its own name (an
 * ident of "_" or the address itself) is freed by that name too.
 */
final class Releases {
  private final Allocations allocations;
  private final Ledger ledger;
  private final PendingRequests pending;
  private final ContainerGrace grace;

  Releases(Allocations allocations, Ledger ledger, PendingRequests pending,
      ContainerGrace grace) {
    this.allocations = allocations;
    this.ledger = ledger;
    this.pending = pending;
    this.grace = grace;
  }

  /** Frees one address of {@code ident}: the freed address, or 404 when it holds none. */
  Result free(String ident, long address, Outcome out) {
    for (Allocation a : allocations.of(ident)) {
      if (a.ip() == address) {
        ledger.release(a, out);
        return Result.freed(List.of(a.address()));
      }
    }
    Optional<Allocation> filedUnderAddress = allocations.at(address)
        .filter(a -> a.ident().equals(ident) || Allocations.ANONYMOUS.equals(ident));
    if (filedUnderAddress.isPresent()) {
      ledger.release(filedUnderAddress.get(), out);
      return Result.freed(List.of(filedUnderAddress.get().address()));
    }
    return Result.failed(ResultCode.NOT_FOUND, "'" + ident + "' holds no address "
        + Ip.format(address) + ": nothing to free");
  }

  /**
   * Frees every address of {@code ident} and cancels its waiting requests: the freed
   * addresses, space-separated, or 404 when it held none.
   */
  Result delete(String ident, Outcome out) {
    pending.cancelFor(ident, "its addresses were deleted", out);
    List<Allocation> freed = new ArrayList<>(allocations.of(ident));
    freed.forEach(a -> ledger.release(a, out));
    grace.alive(ident);
    if (freed.isEmpty()) {
      return Result.failed(ResultCode.NOT_FOUND, "'" + ident
          + "' holds no addresses: nothing to free");
    }
    return Result.freed(freed.stream().map(Allocation::address).toList());
  }
}
