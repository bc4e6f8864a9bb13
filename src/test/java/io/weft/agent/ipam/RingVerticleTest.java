package io.weft.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.weft.agent.cluster.Membership;
import io.weft.agent.consensus.ConsensusVerticle;
import io.weft.docker.DockerStatus;
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
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ring verticle's request handling in-process (one Vert.x, no cluster, a real store): replies
 * come after the commit, waiting requests wait and can be cancelled by their token, the waiting
 * bounds refuse at once, and free and delete are never refused by them. A quorum of 2 with no
 * other peer keeps consensus (and so every allocation) waiting for as long as a test needs.
 */
@ExtendWith(VertxExtension.class)
class RingVerticleTest {
  private static final PeerName SELF = PeerName.parse("0a:00:00:00:00:01");
  private static final DeliveryOptions LONG = new DeliveryOptions().setSendTimeout(60_000);

  @TempDir
  Path dir;
  private Store store;
  private RingVerticle ring;
  private final RecordingHealth health = new RecordingHealth();

  @AfterEach
  void closeStore(Vertx vertx) throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS); // the verticle first: it writes to the store
    if (store != null) {
      store.close();
    }
  }

  private Future<String> deploy(Vertx vertx, int quorum) {
    store = Store.open(dir);
    Cidr range = Cidr.parse("10.32.0.0/24");
    IpamSettings settings = new IpamSettings(SELF, "test", range, range, quorum, false,
        Duration.ofSeconds(30), "weft", "dev");
    PersistedState restored = StateCodec.load(store, range);
    ring = new RingVerticle(settings, new Membership(null, m -> { }), store,
        restored, new IpamMetrics(new SimpleMeterRegistry()), DockerStatus.disabled(), health);
    // Consensus is a verticle of its own: the ring verticle's requests wait for what it hands over.
    return vertx.deployVerticle(ring, new DeploymentOptions()).compose(id -> vertx.deployVerticle(
        new ConsensusVerticle(settings, new Membership(null, m -> { }), restored, health)));
  }

  private static Future<Message<JsonObject>> ask(Vertx vertx, JsonObject request) {
    return vertx.eventBus().request(IpamApi.ADDRESS, request, LONG);
  }

  private static JsonObject op(String name) {
    return new JsonObject().put("op", name);
  }

  private static int failureCode(Throwable t) {
    return t instanceof ReplyException r ? r.failureCode() : -1;
  }

  @Test
  void anAllocationIsAnsweredOnlyOnceItIsInTheStore(Vertx vertx, VertxTestContext test)
      throws Exception {
    deploy(vertx, 1)
        .compose(id -> ask(vertx, op("allocate").put("id", "c1")))
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          assertThat(reply.body().getString("address")).isEqualTo("10.32.0.1/24");
          // The reply came after the commit: the row is on disk already.
          assertThat(store.load().allocations()).extracting(r -> r.ident())
              .containsExactly("c1");
          test.completeNow();
        })));
    assertThat(test.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
    assertThat(health.stops()).isEmpty();
  }

  /** The HTTP API's direct calls: the same checks, commits and answers as weft.ipam. */
  @Test
  void directCallsAllocateFreeAndRefuseAsTheEventBusDoes(Vertx vertx, VertxTestContext test)
      throws Exception {
    deploy(vertx, 1)
        .compose(id -> ring.local().allocate("c1", null, false, 0, null))
        .compose(allocated -> {
          test.verify(() -> {
            assertThat(allocated.value()).isEqualTo("10.32.0.1/24");
            assertThat(store.load().allocations()).extracting(r -> r.ident())
                .containsExactly("c1");
          });
          return ring.local().delete("c1");
        })
        .compose(freed -> {
          test.verify(() -> {
            assertThat(freed.freed()).extracting(Object::toString).containsExactly("10.32.0.1/24");
            assertThat(store.load().allocations()).isEmpty();
          });
          return Future.all(ring.local().allocate("bad id", null, false, 0, null)
              .transform(ar -> Future.succeededFuture(ar.cause())),
              ask(vertx, op("allocate").put("id", "bad id"))
              .transform(ar -> Future.succeededFuture(ar.cause())));
        })
        .onComplete(test.succeeding(both -> test.verify(() -> {
          Throwable direct = both.resultAt(0);
          Throwable bus = both.resultAt(1);
          assertThat(failureCode(direct)).isEqualTo(400).isEqualTo(failureCode(bus));
          assertThat(direct.getMessage()).isEqualTo(bus.getMessage()).contains("bad id");
          test.completeNow();
        })));
    assertThat(test.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
    assertThat(health.stops()).isEmpty();
  }

  @Test
  void aWaitingDirectCallIsCancelledByItsToken(Vertx vertx, VertxTestContext test)
      throws Exception {
    deploy(vertx, 2).onComplete(test.succeeding(id -> {
      ring.local().allocate("c1", null, false, 0, "t1")
          .onComplete(test.failing(failure -> test.verify(() -> {
            assertThat(failureCode(failure)).isEqualTo(503);
            assertThat(failure.getMessage()).contains("cancelled");
            test.completeNow();
          })));
      cancelOnceWaiting(vertx, test);
    }));
    assertThat(test.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
  }

  /** The direct call reaches the verticle on its own: cancel once status shows it waiting. */
  private void cancelOnceWaiting(Vertx vertx, VertxTestContext test) {
    ask(vertx, op("status")).onComplete(test.succeeding(status -> {
      if (status.body().getLong("pendingAllocations") == 1L) {
        ring.local().cancel("t1");
      } else {
        vertx.setTimer(10, t -> cancelOnceWaiting(vertx, test));
      }
    }));
  }

  @Test
  void aWaitingRequestIsCancelledByItsToken(Vertx vertx, VertxTestContext test)
      throws Exception {
    AtomicReference<Boolean> answeredEarly = new AtomicReference<>(false);
    deploy(vertx, 2).onComplete(test.succeeding(id -> {
      ask(vertx, op("allocate").put("id", "c1").put("token", "t1"))
          .onComplete(test.failing(failure -> test.verify(() -> {
            assertThat(answeredEarly.get()).as("no answer before the cancel").isFalse();
            assertThat(failureCode(failure)).isEqualTo(503);
            assertThat(failure.getMessage()).contains("cancelled");
            test.completeNow();
          })));
      // Status answers while the allocation waits; then the client goes away.
      ask(vertx, op("status")).onComplete(test.succeeding(status -> test.verify(() -> {
        assertThat(status.body().getString("consensus")).isEqualTo("waiting");
        assertThat(status.body().getLong("pendingAllocations")).isEqualTo(1L);
        ask(vertx, op("cancel").put("token", "t1"));
      })));
    }));
    assertThat(test.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void theBoundPerIdentRefusesAtOnceButNeverRefusesFreeOrDelete(Vertx vertx,
      VertxTestContext test) throws Exception {
    deploy(vertx, 2).onComplete(test.succeeding(id -> {
      for (int i = 0; i < WaitingRequests.MAX_WAITING_PER_IDENT; i++) {
        ask(vertx, op("allocate").put("id", "c1")); // these wait for consensus
      }
      ask(vertx, op("allocate").put("id", "c1"))
          .onComplete(test.failing(refused -> test.verify(() -> {
            assertThat(failureCode(refused)).isEqualTo(503);
            assertThat(refused.getMessage()).contains("16 requests for 'c1'");
            ask(vertx, op("delete").put("id", "c1"))
                .onComplete(test.failing(nothing -> test.verify(() -> {
                  // Answered (nothing to free), and its waiting requests cancelled: not 503.
                  assertThat(failureCode(nothing)).isEqualTo(404);
                  ask(vertx, op("free").put("id", "c1").put("address", "10.32.0.9"))
                      .onComplete(test.failing(free -> test.verify(() -> {
                        assertThat(failureCode(free)).isEqualTo(404);
                        test.completeNow();
                      })));
                })));
          })));
    }));
    assertThat(test.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aPrimeWaitsForTheRingThatConsensusHandsOver(Vertx vertx, VertxTestContext test)
      throws Exception {
    deploy(vertx, 1)
        .compose(id -> ask(vertx, op("consense")))
        .onComplete(test.succeeding(reply -> test.verify(() -> {
          assertThat(reply.body().getString("consensus")).isEqualTo("achieved");
          assertThat(reply.body().getJsonObject("ring").encode()).contains(SELF.toString());
          test.completeNow();
        })));
    assertThat(test.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aWaitingRequestPastItsDeadlineIsAnswered503WithWhy(Vertx vertx, VertxTestContext test)
      throws Exception {
    deploy(vertx, 2)
        .compose(id -> ask(vertx, op("allocate").put("id", "c1").put("timeoutMs", 300)))
        .onComplete(test.failing(expired -> test.verify(() -> {
          assertThat(failureCode(expired)).isEqualTo(503);
          assertThat(expired.getMessage()).contains("deadline of 300 ms");
          ask(vertx, op("status")).onComplete(test.succeeding(status -> test.verify(() -> {
            assertThat(status.body().getLong("pendingAllocations")).isZero();
            test.completeNow();
          })));
        })));
    assertThat(test.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
  }

  /** The bus's noErrorOnUnknown field is read: before any ring only a flagged claim is answered. */
  @Test
  void noErrorOnUnknownAnswersAClaimBeforeTheRingExists(Vertx vertx, VertxTestContext test)
      throws Exception {
    JsonObject claim = op("claim").put("id", "c1").put("address", "10.32.0.9/24");
    deploy(vertx, 2)
        .compose(id -> ask(vertx, claim.copy().put("timeoutMs", 300)))
        .onComplete(test.failing(waited -> test.verify(() -> {
          assertThat(failureCode(waited)).as("without the flag it waits").isEqualTo(503);
          ask(vertx, claim.copy().put("noErrorOnUnknown", true).put("timeoutMs", 30_000))
              .onComplete(test.succeeding(ok -> test.completeNow()));
        })));
    assertThat(test.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aBadDeadlineAndASubnetWithoutHostsAreRefused400(Vertx vertx, VertxTestContext test)
      throws Exception {
    deploy(vertx, 1)
        .compose(id -> ask(vertx, op("allocate").put("id", "c1").put("timeoutMs", "soon")))
        .onComplete(test.failing(badTimeout -> test.verify(() -> {
          assertThat(failureCode(badTimeout)).isEqualTo(400);
          assertThat(badTimeout.getMessage()).contains("'timeoutMs' must be");
          ask(vertx, op("allocate").put("id", "c1").put("subnet", "10.32.0.4/31"))
              .onComplete(test.failing(tiny -> test.verify(() -> {
                assertThat(failureCode(tiny)).isEqualTo(400);
                assertThat(tiny.getMessage()).contains("smaller than the minimum size 4");
                ask(vertx, op("allocate").put("id", "c1").put("subnet", "10.32.0.4/30"))
                    .onComplete(test.succeeding(four -> test.verify(() -> {
                      assertThat(four.body().getString("address")).startsWith("10.32.0.");
                      test.completeNow();
                    })));
              })));
        })));
    assertThat(test.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void everyEventNamesItsPeerAndAResetFreesEveryAddressWithAnEvent(Vertx vertx,
      VertxTestContext test) throws Exception {
    List<JsonObject> here = new ArrayList<>();
    List<JsonObject> all = new ArrayList<>();
    vertx.eventBus().<JsonObject>consumer(IpamApi.EVENTS, m -> here.add(m.body()));
    vertx.eventBus().<JsonObject>consumer(IpamApi.ALL_EVENTS, m -> all.add(m.body()));
    deploy(vertx, 1)
        .compose(id -> ask(vertx, op("allocate").put("id", "c1")))
        .compose(a -> ask(vertx, op("claim").put("id", "_").put("address", "10.32.0.77/24")))
        .compose(c -> ask(vertx, op("reset")))
        .onComplete(test.succeeding(r -> vertx.setTimer(500, t -> test.verify(() -> {
          assertThat(here).isNotEmpty().allSatisfy(e -> {
            assertThat(e.getString("origin")).isEqualTo(SELF.toString());
            assertThat(e.getString("peer")).isNotNull();
          });
          assertThat(all).as("published cluster-wide too").hasSameSizeAs(here);
          assertThat(here).filteredOn(e -> "freed".equals(e.getString("type")))
              .extracting(e -> e.getString("id") + " " + e.getString("reason"))
              .containsExactlyInAnyOrder("c1 this peer was reset",
                  "10.32.0.77 this peer was reset");
          test.completeNow();
        }))));
    assertThat(test.awaitCompletion(60, TimeUnit.SECONDS)).isTrue();
  }
}
