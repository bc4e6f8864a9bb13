package io.weft.ring;

import io.weft.net.Range;
import java.util.List;
import java.util.Set;

/**
 * An immutable copy of a ring as it travels in gossip and to the store: the universe, the entries
 * in token order, the seeds (the peers the ring was first split among) and the peers removed with
 * rmpeer (tombstones, which keep a removed peer from taking its old ranges back).
 */
public record RingState(Range universe, List<Entry> entries, List<PeerName> seeds,
    Set<PeerName> removed) {

  public RingState {
    entries = List.copyOf(entries);
    seeds = List.copyOf(seeds);
    removed = Set.copyOf(removed);
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }
}
