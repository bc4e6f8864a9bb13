package io.weft.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.net.Range;
import io.weft.ring.Entry;
import io.weft.ring.PeerName;
import io.weft.ring.RingState;
import io.weft.store.Batch;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StateCodecTest {
  private static final PeerName A = PeerName.parse("0a:00:00:00:00:01");

  @Test
  void anOutcomeWithoutRingOrPaxosWritesOnlyItsRows() {
    Batch batch = new Batch();
    StateCodec.write(new io.weft.ipam.Outcome(), batch);
    batch.seal();
    assertThat(batch.isEmpty()).isTrue();
  }

  @Test
  void theRingRoundTripsThroughItsJson() {
    RingState ring = new RingState(new Range(0, 16), List.of(new Entry(0, A, 1, 16)),
        List.of(A), Set.of());
    assertThat(Wire.ring(new io.vertx.core.json.JsonObject(Wire.ring(ring).encode())))
        .isEqualTo(ring);
  }
}
