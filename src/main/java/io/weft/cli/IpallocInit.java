package io.weft.cli;

import io.weft.ring.PeerName;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Weave's {@code --ipalloc-init} value: {@code consensus=N}, {@code observer} or
 * {@code seed=NAME,NAME,...}, as the count, the observer flag or the seed list it stands for.
 */
record IpallocInit(int count, boolean observer, List<PeerName> seeds) {
  private static final String FLAG = "--ipalloc-init";

  static IpallocInit parse(String value,
      BiFunction<String, String, ? extends RuntimeException> usage) {
    if ("observer".equals(value)) {
      return new IpallocInit(0, true, List.of());
    }
    if (value.startsWith("consensus=")) {
      String n = value.substring("consensus=".length());
      int count;
      try {
        count = Integer.parseInt(n);
      } catch (NumberFormatException e) {
        count = 0;
      }
      if (count < 1) {
        throw usage.apply(FLAG, "'" + n + "' is not a peer count: use consensus=N with N 1 or"
            + " more");
      }
      return new IpallocInit(count, false, List.of());
    }
    if (value.startsWith("seed=")) {
      List<PeerName> seeds = new ArrayList<>();
      for (String name : value.substring("seed=".length()).split(",", -1)) {
        if (!PeerName.isValid(name)) {
          throw usage.apply(FLAG, "'" + name + "' is not a peer name: seed= takes peer names"
              + " such as 0a:00:00:00:00:01 (fix each peer's name with --name)");
        }
        PeerName peer = PeerName.parse(name);
        if (seeds.contains(peer)) {
          throw usage.apply(FLAG, "peer " + name + " is named twice in the seed list");
        }
        seeds.add(peer);
      }
      return new IpallocInit(0, false, List.copyOf(seeds));
    }
    throw usage.apply(FLAG, "'" + value + "': use consensus=N, observer or seed=NAME,NAME,...");
  }
}
