package io.weft.ipam;

import io.weft.net.PrefixedAddress;
import io.weft.net.Range;
import io.weft.ring.PeerName;
import io.weft.ring.Ring;
import io.weft.space.Space;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;

/**
 * The requests the allocator cannot answer yet: allocations waiting for a ring or for space,
 * claims waiting for a ring or for their owner, and primes waiting for the ring. They are
 * retried on every ring change and every tick; claims go before allocations, so that a claimed
 * address is still free when its claim is retried.
 */
final class PendingRequests {
  private final List<Pending> pending = new ArrayList<>();
  private final AllocatorConfig config;
  private final Ring ring;
  private final Space space;
  private final Allocations allocations;
  private final Ledger ledger;
  private final Peers peers;
  private final ClaimAttempts claims;
  private final RandomGenerator random;

  PendingRequests(AllocatorConfig config, Ring ring, Space space, Allocations allocations,
      Ledger ledger, Peers peers, ClaimAttempts claims, RandomGenerator random) {
    this.config = config;
    this.ring = ring;
    this.space = space;
    this.allocations = allocations;
    this.ledger = ledger;
    this.peers = peers;
    this.claims = claims;
    this.random = random;
  }

  void add(Pending p) {
    pending.add(p);
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  /** Retries every waiting request; before a ring exists only "no error on unknown" claims. */
  void retry(Outcome out, long nowMs) {
    if (ring.isEmpty()) {
      for (Pending p : pending) {
        if (p instanceof Pending.Claim c && c.noErrorOnUnknown && !c.answered) {
          c.answered = true;
          out.complete(c.requestId, Result.ok(c.address.toString()));
        }
      }
      return;
    }
    for (Iterator<Pending> it = pending.iterator(); it.hasNext();) {
      if (it.next() instanceof Pending.Claim c && claims.attempt(c, out, nowMs)) {
        it.remove();
      }
    }
    for (Iterator<Pending> it = pending.iterator(); it.hasNext();) {
      if (it.next() instanceof Pending.Allocate a && tryAllocate(a, out, nowMs)) {
        it.remove();
      }
    }
  }

  /** True when the request is answered. */
  private boolean tryAllocate(Pending.Allocate a, Outcome out, long nowMs) {
    OptionalLong existing = allocations.in(a.ident, a.subnet);
    if (existing.isPresent()) {
      out.complete(a.requestId, Result.ok(a.subnet.withAddress(existing.getAsLong()).toString()));
      return true;
    }
    Range hosts = a.subnet.hostRange().intersect(config.universe().range());
    OptionalLong address = space.allocate(hosts);
    if (address.isPresent()) {
      PrefixedAddress given = a.subnet.withAddress(address.getAsLong());
      ledger.record(new Allocation(Allocations.fileUnder(a.ident, given), given, a.container),
          out);
      out.complete(a.requestId, Result.ok(given.toString()));
      return true;
    }
    Range wanted = a.subnet.range().intersect(config.universe().range());
    if (ownsAll(wanted)) {
      // Nobody could ever donate: waiting would only hang the caller.
      out.complete(a.requestId, Result.failed(ResultCode.CONFLICT, "no free address in " + a.subnet
          + ": this peer owns all of it and every address there is in use; free one or"
          + " allocate in a larger subnet"));
      return true;
    }
    if (nowMs - a.askedAtMs >= config.retryMs()) {
      Optional<PeerName> donor = ring.choosePeerToAskForSpace(wanted, peers.reachable::contains,
          random);
      if (donor.isPresent()) {
        out.send(donor.get(), new Message.SpaceRequest(config.self(), wanted));
        a.askedAtMs = nowMs;
      }
    }
    return false;
  }

  private boolean ownsAll(Range wanted) {
    long owned = 0;
    for (Range r : ring.ownedRanges()) {
      owned += r.intersect(wanted).size();
    }
    return owned == wanted.size();
  }

  /** A peer denied us space: claims of that one address fail. */
  void denied(Message.SpaceDenied denied, Outcome out) {
    claims.denied(denied, pending, out);
  }

  /** Drops the request {@code requestId}; it completes as cancelled, saying {@code why}. */
  void cancel(long requestId, String why, Outcome out) {
    for (Iterator<Pending> it = pending.iterator(); it.hasNext();) {
      Pending p = it.next();
      if (p.requestId() == requestId) {
        it.remove();
        out.complete(requestId, Result.failed(ResultCode.UNAVAILABLE, why));
      }
    }
  }

  /** Drops every request for {@code ident}, saying {@code why}. */
  void cancelFor(String ident, String why, Outcome out) {
    for (Iterator<Pending> it = pending.iterator(); it.hasNext();) {
      Pending p = it.next();
      if (ident.equals(p.ident())) {
        it.remove();
        out.complete(p.requestId(), Result.failed(ResultCode.UNAVAILABLE,
            "request for " + ident + " cancelled: " + why));
      }
    }
  }

  /** The ring exists: every prime is answered. */
  void ringAchieved(Outcome out) {
    for (Iterator<Pending> it = pending.iterator(); it.hasNext();) {
      if (it.next() instanceof Pending.Prime p) {
        it.remove();
        out.complete(p.requestId(), Result.ok("achieved"));
      }
    }
  }

  /** Fails every request with {@code why} and forgets them. */
  void failAll(String why, Outcome out) {
    for (Pending p : pending) {
      out.complete(p.requestId(), Result.failed(ResultCode.UNAVAILABLE, why));
    }
    pending.clear();
  }

  long allocations() {
    return pending.stream().filter(p -> p instanceof Pending.Allocate).count();
  }

  long claims() {
    return pending.stream().filter(p -> p instanceof Pending.Claim).count();
  }
}
