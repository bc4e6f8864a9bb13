package io.weft.net;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Set operations on collections of ranges, each result sorted and coalesced. */
public final class Ranges {
  private Ranges() {}

  /** Sorted, with touching or overlapping ranges joined and empty ones dropped. */
  public static List<Range> coalesce(Collection<Range> ranges) {
    List<Range> sorted = new ArrayList<>();
    for (Range r : ranges) {
      if (!r.isEmpty()) {
        sorted.add(r);
      }
    }
    sorted.sort(null);
    List<Range> joined = new ArrayList<>();
    for (Range r : sorted) {
      int last = joined.size() - 1;
      if (last >= 0 && joined.get(last).end() >= r.start()) {
        Range prev = joined.get(last);
        joined.set(last, new Range(prev.start(), Math.max(prev.end(), r.end())));
      } else {
        joined.add(r);
      }
    }
    return joined;
  }

  /** The addresses in {@code from} that are in none of {@code minus}. */
  public static List<Range> subtract(Collection<Range> from, Collection<Range> minus) {
    List<Range> result = new ArrayList<>();
    List<Range> holes = coalesce(minus);
    for (Range r : coalesce(from)) {
      long at = r.start();
      for (Range hole : holes) {
        if (hole.end() <= at || hole.start() >= r.end()) {
          continue;
        }
        if (hole.start() > at) {
          result.add(new Range(at, hole.start()));
        }
        at = Math.max(at, hole.end());
      }
      if (at < r.end()) {
        result.add(new Range(at, r.end()));
      }
    }
    return result;
  }

  public static long totalSize(Collection<Range> ranges) {
    long total = 0;
    for (Range r : ranges) {
      total += r.size();
    }
    return total;
  }
}
