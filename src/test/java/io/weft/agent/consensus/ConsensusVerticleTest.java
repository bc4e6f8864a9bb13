package io.weft.agent.consensus;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.weft.agent.cluster.Membership;
import io.weft.agent.ipam.ConsensusLink;
import io.weft.agent.ipam.IpamApi;
import io.weft.agent.ipam.IpamMetrics;
import io.weft.agent.ipam.IpamSettings;
import io.weft.agent.ipam.RingVerticle;
import io.weft.agent.ipam.StateCodec;
import io.weft.docker.DockerStatus;
import io.weft.ipam.Outcome;
import io.weft.ipam.PersistedState;
import io.weft.net.Cidr;
import io.weft.ring.PeerName;
import io.weft.store.Store;
import io.weft.testing.RecordingHealth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consensus verticle in-process (one Vert.x, no cluster): it starts Paxos when the ring
 * verticle asks, hands the agreed seeds back, and then stops listening for good; a peer started
 * with a ring never listens at all. With a quorum of 1 a lone peer agrees on itself at once.
 */
@ExtendWith(VertxExtension.class)
class ConsensusVerticleTest {
  private static final PeerName SELF = PeerName.parse("0a:00:00:00:00:01");
  private static final Cidr RANGE = Cidr.parse("10.32.0.0/24");
  private static final DeliveryOptions SHORT = new DeliveryOptions().setLocalOnly(true)
      .setSendTimeout(200);

  @TempDir
  Path dir;
  private Store store;
  private final RecordingHealth health = new RecordingHealth();

  @AfterEach
  void close(Vertx vertx) throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
    if (store != null) {
      store.close();
    }
  }

  private static IpamSettings settings(int quorum) {
    return new IpamSettings(SELF, "test", RANGE, RANGE, quorum, false, Duration.ofSeconds(30),
        "weft", "dev");
  }

  /** Resolves once nobody listens on {@code address} any more (bounded by the test's wait). */
  private static Future<Void> untilNobodyListens(Vertx vertx, String address) {
    Promise<Void> gone = Promise.promise();
    probe(vertx, address, gone);
    return gone.future();
  }

  private static void probe(Vertx vertx, String address, Promise<Void> gone) {
    vertx.eventBus().request(address, null, SHORT).onComplete(ar -> {
      if (ar.failed() && ar.cause() instanceof ReplyException r
          && r.failureType() == ReplyFailure.NO_HANDLERS) {
        gone.complete();
      } else {
        vertx.setTimer(50, t -> probe(vertx, address, gone));
      }
    });
  }

  @Test
  void askedForARingItHandsTheAgreedSeedsBackThenStopsListening(Vertx vertx,
      VertxTestContext test) throws Exception {
    store = Store.open(dir);
    PersistedState empty = StateCodec.load(store, RANGE);
    ConsensusLink.registerCodec(vertx);
    List<Outcome> handed = new ArrayList<>();
    // The test stands where the ring verticle stands: it asks, and takes what comes back.
    vertx.eventBus().<Outcome>localConsumer(ConsensusLink.OUTCOMES, m -> {
      handed.add(m.body());
      if (m.body().agreed() != null) {
        vertx.eventBus().send(ConsensusLink.RING_EXISTS, null);
        untilNobodyListens(vertx, ConsensusLink.ESTABLISH)
            .onComplete(test.succeeding(v -> test.verify(() -> {
              Outcome agreed = handed.get(handed.size() - 1);
              assertThat(agreed.agreed()).containsExactly(SELF);
              assertThat(agreed.persist()).as("the promise is to be made durable").isTrue();
              assertThat(agreed.paxos()).as("the claims travel with the outcome").isNotEmpty();
              test.completeNow();
            })));
      }
    });
    vertx.deployVerticle(new ConsensusVerticle(settings(1), noPeers(), empty, health))
        .onComplete(test.succeeding(id -> vertx.eventBus().send(ConsensusLink.ESTABLISH, null)));
    assertThat(test.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
    assertThat(health.stops()).isEmpty();
  }

  @Test
  void aPeerStartedWithARingNeverListens(Vertx vertx, VertxTestContext test) throws Exception {
    store = Store.open(dir);
    PersistedState withRing = seededElsewhere();
    vertx.deployVerticle(new ConsensusVerticle(settings(2), noPeers(), withRing, health))
        .compose(id -> vertx.eventBus().request(ConsensusLink.ESTABLISH, null, SHORT))
        .onComplete(test.failing(e -> test.verify(() -> {
          assertThat(e).isInstanceOf(ReplyException.class);
          assertThat(((ReplyException) e).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
          test.completeNow();
        })));
    assertThat(test.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void theRingVerticleBuildsTheRingFromTheHandOverAfterTheClaimsAreDurable(Vertx vertx,
      VertxTestContext test) throws Exception {
    store = Store.open(dir);
    PersistedState empty = StateCodec.load(store, RANGE);
    RingVerticle ring = new RingVerticle(settings(1), new Membership(null, m -> { }), store,
        empty, new IpamMetrics(new SimpleMeterRegistry()), DockerStatus.disabled(), health);
    vertx.deployVerticle(ring)
        .compose(id -> vertx.deployVerticle(
            new ConsensusVerticle(settings(1), noPeers(), empty, health)))
        .compose(id -> vertx.eventBus().<JsonObject>request(IpamApi.ADDRESS,
            new JsonObject().put("op", "consense"),
            new DeliveryOptions().setSendTimeout(60_000)))
        .compose(reply -> {
          assertThat(reply.body().getString("consensus")).isEqualTo("achieved");
          return untilNobodyListens(vertx, ConsensusLink.ESTABLISH);
        })
        .onComplete(test.succeeding(v -> test.verify(() -> {
          Store.Loaded saved = store.load();
          assertThat(saved.paxos()).as("Paxos claims persisted by the ring verticle").isNotNull();
          assertThat(saved.ring()).contains(SELF.toString());
          test.completeNow();
        })));
    assertThat(test.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
    assertThat(health.stops()).isEmpty();
  }

  private static Membership noPeers() {
    return new Membership(null, m -> { });
  }

  /** A state whose ring a quorum-1 peer seeded from a list: it needs no consensus. */
  private PersistedState seededElsewhere() {
    var allocator = new io.weft.ipam.Allocator(settings(1).allocatorConfig(1)
        .withSeeds(List.of(SELF)), new java.util.SplittableRandom(1));
    PersistedState seeded = allocator.persistedState();
    return new PersistedState(seeded.ring(), List.of(), java.util.Map.of());
  }
}
