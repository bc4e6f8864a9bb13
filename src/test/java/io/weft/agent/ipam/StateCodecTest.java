package io.weft.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.net.Range;
import io.weft.ring.Entry;
import io.weft.ring.PeerName;
import io.weft.ring.RingState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StateCodecTest {
  private static final PeerName A = PeerName.parse("0a:00:00:00:00:01");

  @Test
  void theRingIsRewrittenOnlyWhenItChanged() {
    StateCodec.Saved saved = new StateCodec.Saved();
    RingState ring = new RingState(new Range(0, 16), List.of(new Entry(0, A, 1, 16)),
        List.of(A), Set.of());
    assertThat(saved.ringIfChanged(ring)).contains("\"entries\"");
    RingState same = new RingState(new Range(0, 16), List.of(new Entry(0, A, 1, 16)),
        List.of(A), Set.of());
    assertThat(saved.ringIfChanged(same)).as("equal state, nothing to write").isNull();
    RingState reported = new RingState(new Range(0, 16), List.of(new Entry(0, A, 1, 15)),
        List.of(A), Set.of());
    assertThat(saved.ringIfChanged(reported)).isNotNull();
    assertThat(saved.paxosIfChanged(Map.of())).as("no Paxos state is never written").isNull();
  }
}
