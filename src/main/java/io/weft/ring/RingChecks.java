package io.weft.ring;

import io.weft.net.Cidr;
import io.weft.net.Range;
import java.util.List;
import java.util.Optional;

/**
 * What makes a list of entries a ring, checked on our own ring after every change, on a ring
 * restored from the store and on every ring a peer sends before it is merged.
 */
final class RingChecks {
  private RingChecks() {}

  /** Sorted unique tokens inside the universe, and no entry reporting more free than it spans. */
  static Optional<String> entries(Range universe, List<Entry> list) {
    for (int i = 0; i < list.size(); i++) {
      Entry e = list.get(i);
      if (!universe.contains(e.token())) {
        return Optional.of("token " + e.token() + " is out of range " + describe(universe));
      }
      if (i > 0 && list.get(i - 1).token() >= e.token()) {
        return Optional.of(list.get(i - 1).token() == e.token()
            ? "token appears twice in ring" : "ring not sorted");
      }
      if (e.free() < 0 || e.version() < 0) {
        return Optional.of("entry at token " + e.token() + " has a negative count");
      }
    }
    for (int i = 0; i < list.size(); i++) {
      Entry e = list.get(i);
      long next = list.get((i + 1) % list.size()).token();
      long size = next > e.token() ? next - e.token()
          : universe.end() - e.token() + next - universe.start();
      if (e.free() > size) {
        return Optional.of("entry at token " + e.token() + " reports too much free space: "
            + e.free() + " > " + size);
      }
    }
    return Optional.empty();
  }

  /** A range as a CIDR where it is one, for messages. */
  static String describe(Range range) {
    try {
      return Cidr.of(range).toString();
    } catch (IllegalArgumentException notACidr) {
      return range.toString();
    }
  }
}
