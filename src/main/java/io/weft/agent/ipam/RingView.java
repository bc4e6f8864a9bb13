package io.weft.agent.ipam;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.ipam.Allocator;
import io.weft.ipam.AllocatorStatus;
import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.Range;
import io.weft.ring.Entry;
import io.weft.ring.PeerName;
import io.weft.ring.RingState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The ring as {@code GET /status/ring} serves it and the page draws it: the universe, the seeds,
 * the tombstoned peers, and the ranges in address order from the start of the universe, each with
 * its owner, the owner's reachability, its CIDR blocks and the free count its owner reported.
 *
 * <p>A ring entry owns the addresses from its token up to the next token, and the last entry
 * wraps around to the first. Drawn from the start of the universe, a wrapping entry becomes two
 * ranges; both carry the entry's token, and the entry's free count is on the first of them only,
 * so that summing {@code free} over the ranges never counts an entry twice.
 */
public final class RingView {
  private RingView() {}

  /** The view of the allocator's ring now; read-only. */
  public static JsonObject of(Allocator allocator) {
    AllocatorStatus status = allocator.status();
    return json(allocator.ringState(), allocator.config().self(), status.nicknames(),
        status.reachable(), status.consensus());
  }

  static JsonObject json(RingState ring, PeerName self, Map<PeerName, String> nicknames,
      Set<PeerName> reachable, Allocator.Consensus consensus) {
    JsonArray ranges = new JsonArray();
    for (Part part : parts(ring)) {
      Entry e = part.entry();
      PeerName owner = e.peer();
      JsonArray cidrs = new JsonArray();
      part.range().toCidrs().forEach(c -> cidrs.add(c.toString()));
      ranges.add(new JsonObject()
          .put("first", Ip.format(part.range().start()))
          .put("last", Ip.format(part.range().end() - 1))
          .put("offset", part.range().start() - ring.universe().start())
          .put("size", part.range().size())
          .put("cidrs", cidrs)
          .put("token", Ip.format(e.token()))
          .put("owner", owner.toString())
          .put("nickname", nicknames.getOrDefault(owner, ""))
          .put("reachable", owner.equals(self) || reachable.contains(owner))
          .put("version", e.version())
          .put("free", part.first() ? e.free() : 0L));
    }
    return new JsonObject()
        .put("name", self.toString())
        .put("consensus", consensus.name().toLowerCase(Locale.ROOT))
        .put("range", describe(ring.universe()))
        .put("size", ring.universe().size())
        .put("entries", ring.entries().size())
        .put("seeds", names(ring.seeds()))
        .put("removed", names(ring.removed().stream().sorted().toList()))
        .put("ranges", ranges);
  }

  /** One drawn range: a piece of a ring entry, and whether it is the entry's first piece. */
  record Part(Range range, Entry entry, boolean first) {}

  /** The ranges of the ring's entries in address order from the start of the universe. */
  static List<Part> parts(RingState ring) {
    List<Entry> entries = ring.entries();
    Range universe = ring.universe();
    List<Part> parts = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      long from = e.token();
      long to = entries.get((i + 1) % entries.size()).token();
      if (to > from) {
        parts.add(new Part(new Range(from, to), e, true));
      } else {
        // The last entry (or the only one) wraps past the end of the universe.
        parts.add(new Part(new Range(from, universe.end()), e, true));
        if (to > universe.start()) {
          parts.add(new Part(new Range(universe.start(), to), e, false));
        }
      }
    }
    parts.sort(Comparator.comparingLong(p -> p.range().start()));
    return parts;
  }

  private static JsonArray names(List<PeerName> peers) {
    JsonArray names = new JsonArray();
    peers.forEach(p -> names.add(p.toString()));
    return names;
  }

  private static String describe(Range universe) {
    try {
      return Cidr.of(universe).toString();
    } catch (IllegalArgumentException notACidr) {
      return universe.toString();
    }
  }
}
