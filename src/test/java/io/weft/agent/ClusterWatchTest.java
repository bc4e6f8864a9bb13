package io.weft.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.testing.FreePorts;
import io.weft.testing.LoopbackCluster;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The registry probe of {@link ClusterWatch}, against a real cluster member on loopback. */
class ClusterWatchTest {
  @Test
  void anAddressTheRegistryLostIsNoLongerListedThoughItsConsumerStillRuns() throws Exception {
    try (LoopbackCluster cluster = new LoopbackCluster()) {
      // A member whose one peer is down: a cluster of its own.
      LoopbackCluster.Member member = cluster.join(FreePorts.next(), FreePorts.next(), null);
      String address = "weft.hello.watch-test";
      member.clustered().eventBus().consumer(address, m -> m.reply("hello")).completion()
          .await(30, TimeUnit.SECONDS);

      assertThat(ClusterWatch.listed(member.manager(), address).await(30, TimeUnit.SECONDS))
          .isNull();
      assertThat(ClusterWatch.listed(member.manager(), "weft.hello.nobody")
          .toCompletionStage().toCompletableFuture().handle((ok, failure) -> failure)
          .get(30, TimeUnit.SECONDS)).hasMessageContaining("does not list weft.hello.nobody");

      // What a membership handler that ran late does: it removes the entries of a node id that
      // is still this member's.
      member.manager().getHazelcastInstance().getMultiMap("__vertx.subs").remove(address);

      assertThat(ClusterWatch.listed(member.manager(), address)
          .toCompletionStage().toCompletableFuture().handle((ok, failure) -> failure)
          .get(30, TimeUnit.SECONDS)).hasMessageContaining("does not list " + address);
      assertThat(member.clustered().eventBus().request(address, "hi")
          .await(30, TimeUnit.SECONDS).body()).isEqualTo("hello");
    }
  }
}
