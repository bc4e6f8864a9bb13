package io.weft.ring;

import io.weft.net.Range;
import java.util.List;

/**
 * What a merge did to our ring.
 *
 * @param updated  something of theirs was taken: pending requests may now succeed
 * @param changed  our ring differs from before in any way (persist it)
 * @param reimposed we re-asserted an entry of ours with a higher version: gossip it
 * @param lost     ranges we owned before and no longer own (they must leave our space)
 * @param gained   ranges we own now and did not before (an heir's inheritance)
 */
public record MergeResult(boolean updated, boolean changed, boolean reimposed, List<Range> lost,
    List<Range> gained) {

  static final MergeResult NOTHING = new MergeResult(false, false, false, List.of(), List.of());

  public MergeResult {
    lost = List.copyOf(lost);
    gained = List.copyOf(gained);
  }
}
