package io.weft.bench;

import io.weft.net.Cidr;
import io.weft.net.Range;
import io.weft.ring.PeerName;
import io.weft.ring.Ring;
import io.weft.ring.RingConflictException;
import io.weft.ring.RingState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Ring merge of two 1,000-entry rings and the initial split for 1,000 peers. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RingBench {
  static final Range UNIVERSE = Cidr.parse("10.32.0.0/12").range();

  List<PeerName> peers;
  RingState older;
  RingState newer;

  @Setup
  public void rings() {
    peers = new ArrayList<>();
    for (int i = 1; i <= 1000; i++) {
      peers.add(new PeerName(i));
    }
    Ring ring = new Ring(UNIVERSE, peers.get(0));
    ring.claimForPeers(peers);
    older = ring.state();
    // The same 1,000 entries, every other one with a newer version from its owner.
    Ring changed = Ring.restore(peers.get(1), older);
    changed.transfer(peers.get(2), peers.get(1), false);
    newer = changed.state();
  }

  @Benchmark
  public Object mergeThousandEntryRings() throws RingConflictException {
    Ring mine = Ring.restore(peers.get(0), older);
    return mine.merge(newer, r -> false);
  }

  @Benchmark
  public Object initialSplitForThousandPeers() {
    Ring ring = new Ring(UNIVERSE, peers.get(0));
    ring.claimForPeers(peers);
    return ring;
  }
}
