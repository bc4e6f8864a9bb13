package io.weft.ipam;

import io.weft.net.PrefixedAddress;
import io.weft.net.Range;
import io.weft.ring.PeerName;
import io.weft.ring.Ring;
import io.weft.space.Space;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Claims of one specific address. Outside the universe a claim is only recorded; inside, an
 * address this peer owns must be free (or already the ident's), and one another peer owns is
 * asked of that peer, a few times, as a one-address space request.
 */
final class ClaimAttempts {
  private final AllocatorConfig config;
  private final Ring ring;
  private final Space space;
  private final Allocations allocations;
  private final Ledger ledger;
  private final Peers peers;
  private final ContainerGrace grace;

  ClaimAttempts(AllocatorConfig config, Ring ring, Space space, Allocations allocations,
      Ledger ledger, Peers peers, ContainerGrace grace) {
    this.config = config;
    this.ring = ring;
    this.space = space;
    this.allocations = allocations;
    this.ledger = ledger;
    this.peers = peers;
    this.grace = grace;
  }

  /** A claim outside the universe: nobody owns the address, so it is only recorded. */
  Result outsideUniverse(String ident, PrefixedAddress address, boolean container,
      Outcome out) {
    Optional<Allocation> prior = allocations.at(address.address());
    String filed = Allocations.fileUnder(ident, address);
    if (prior.isEmpty()) {
      ledger.record(new Allocation(filed, address, container), out);
      return Result.ok(address.toString());
    }
    Allocation p = prior.get();
    if (p.ident().equals(filed) || Allocations.ANONYMOUS.equals(ident)) {
      return Result.ok(address.toString());
    }
    if (p.container() && grace.isDead(p.ident())) {
      allocations.remove(p);
      out.removed.add(p);
      out.event(EventType.FREED, p.ident(), p.address().toString(), null,
          "its container died; claimed by " + filed);
      ledger.record(new Allocation(filed, address, container), out);
      return Result.ok(address.toString());
    }
    return Result.failed(ResultCode.CONFLICT, "address " + address + " already in use by "
        + p.ident());
  }

  /** True when the claim is finished (answered, or failed). */
  boolean attempt(Pending.Claim c, Outcome out, long nowMs) {
    long address = c.address.address();
    PeerName owner = ring.owner(address).orElseThrow();
    if (!owner.equals(config.self())) {
      return askOwner(c, owner, out, nowMs);
    }
    Result result = claimOwned(c);
    if (result.isOk() && !space.isUsed(address)) {
      space.claim(address);
      ledger.record(new Allocation(Allocations.fileUnder(c.ident, c.address), c.address,
          c.container), out);
    }
    if (!c.answered) {
      out.complete(c.requestId, result);
    }
    return true;
  }

  private Result claimOwned(Pending.Claim c) {
    Optional<Allocation> prior = allocations.at(c.address.address());
    if (prior.isEmpty()) {
      return Result.ok(c.address.toString());
    }
    String holder = prior.get().ident();
    if (holder.equals(c.ident) || Allocations.ANONYMOUS.equals(c.ident)) {
      return Result.ok(c.address.toString());
    }
    if (holder.equals(Allocations.fileUnder(Allocations.ANONYMOUS, c.address))) {
      return Result.failed(ResultCode.CONFLICT, "address " + c.address + " already in use");
    }
    return Result.failed(ResultCode.CONFLICT, "address " + c.address + " is already owned by "
        + holder);
  }

  /** The address is another peer's: ask it for exactly that address, a few times. */
  private boolean askOwner(Pending.Claim c, PeerName owner, Outcome out, long nowMs) {
    if (nowMs - c.askedAtMs < config.retryMs()) {
      return false;
    }
    if (!peers.reachable.contains(owner)) {
      c.tries++;
      c.askedAtMs = nowMs;
      if (c.noErrorOnUnknown && !c.answered) {
        // Weave's contract for this flag: the caller is not kept waiting on a peer that may be
        // gone for good; the claim goes on in the background until the owner answers.
        c.answered = true;
        out.complete(c.requestId, Result.ok(c.address.toString()));
      }
      if (c.tries > config.claimTries() && !c.noErrorOnUnknown) {
        out.complete(c.requestId, Result.failed(ResultCode.CONFLICT, "address " + c.address
            + " is owned by other peer " + peers.describe(owner) + ", which is unreachable"));
        return true;
      }
      return false;
    }
    long address = c.address.address();
    out.send(owner, new Message.SpaceRequest(config.self(), new Range(address, address + 1)));
    c.askedAtMs = nowMs;
    return false;
  }

  /** Claims of addresses in a denied one-address range fail: the owner uses them. */
  void denied(Message.SpaceDenied denied, List<Pending> pending, Outcome out) {
    for (Iterator<Pending> it = pending.iterator(); it.hasNext();) {
      if (it.next() instanceof Pending.Claim c && denied.range().contains(c.address.address())
          && denied.range().size() == 1) {
        it.remove();
        if (!c.answered) {
          out.complete(c.requestId, Result.failed(ResultCode.CONFLICT, "address " + c.address
              + " is owned by other peer " + peers.describe(denied.from())));
        }
      }
    }
  }
}
