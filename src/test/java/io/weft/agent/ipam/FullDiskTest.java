package io.weft.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.weft.agent.cluster.Membership;
import io.weft.agent.consensus.ConsensusVerticle;
import io.weft.docker.DockerStatus;
import io.weft.ipam.PersistedState;
import io.weft.net.Cidr;
import io.weft.ring.PeerName;
import io.weft.store.Batch;
import io.weft.store.Store;
import io.weft.testing.RecordingHealth;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import static io.weft.testing.SmallDisk.fill;
import static io.weft.testing.SmallDisk.run;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ring verticle on a real store whose file system fills up (a 1 MiB tmpfs, so root only):
 * the change that could not be written waits unanswered, new changes are refused at once with
 * 503, lookups and status answer, and once space is freed the waiting change is written and
 * answered and new ones are taken again.
 */
@ExtendWith(VertxExtension.class)
class FullDiskTest {
  private static final PeerName SELF = PeerName.parse("0a:00:00:00:00:01");
  private static final DeliveryOptions LONG = new DeliveryOptions().setSendTimeout(60_000);

  @TempDir
  Path dir;
  private Path small;
  private Store store;
  private final RecordingHealth recorder = new RecordingHealth();
  private final List<String> health = recorder.events();

  @BeforeEach
  void mount() throws Exception {
    small = Files.createDirectories(dir.resolve("small"));
    io.weft.testing.SmallDisk.mount(small, "1m");
  }

  @AfterEach
  void unmount(Vertx vertx) throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS); // the verticle first: it writes to the store
    if (store != null) {
      store.close();
    }
    run("umount", small.toString());
  }

  private void deploy(Vertx vertx) throws Exception {
    store = Store.open(small);
    Cidr range = Cidr.parse("10.32.0.0/24");
    IpamSettings settings = new IpamSettings(SELF, "test", range, range, 1, false,
        Duration.ofSeconds(30), "weft", "dev");
    PersistedState restored = StateCodec.load(store, range);
    RingVerticle ring = new RingVerticle(settings, new Membership(null, m -> { }), store,
        restored, new IpamMetrics(new SimpleMeterRegistry()), DockerStatus.disabled(), recorder);
    vertx.deployVerticle(ring).compose(id -> vertx.deployVerticle(new ConsensusVerticle(settings,
        new Membership(null, m -> { }), restored, recorder))).await(30, TimeUnit.SECONDS);
  }

  private static Future<Message<JsonObject>> ask(Vertx vertx, JsonObject request) {
    return vertx.eventBus().request(IpamApi.ADDRESS, request, LONG);
  }

  private static JsonObject answer(Vertx vertx, JsonObject request) throws Exception {
    return ask(vertx, request).await(30, TimeUnit.SECONDS).body();
  }

  /** The failure a request is answered with. */
  private static ReplyException refusal(Vertx vertx, JsonObject request)
      throws Exception {
    Throwable failure = ask(vertx, request).transform(ar -> Future.succeededFuture(ar.cause()))
        .await(30, TimeUnit.SECONDS);
    assertThat(failure).as("refused: " + request).isInstanceOf(ReplyException.class);
    return (ReplyException) failure;
  }

  private static JsonObject allocate(String id) {
    return new JsonObject().put("op", "allocate").put("id", id);
  }

  private static String store(Vertx vertx) throws Exception {
    return answer(vertx, new JsonObject().put("op", "status")).getString("store");
  }

  @Test
  void changesWaitOrAreRefusedWhileFullAndAreAnsweredOnceThereIsSpace(Vertx vertx)
      throws Exception {
    deploy(vertx);
    assertThat(answer(vertx, allocate("c1")).getString("address")).isEqualTo("10.32.0.1/24");
    assertThat(store(vertx)).isEqualTo("ok");

    Path filler = small.resolve("filler");
    fill(filler);
    Future<Message<JsonObject>> waiting = ask(vertx, allocate("c2"));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (store(vertx).equals("ok")) {
      assertThat(System.nanoTime()).as("the store full").isLessThan(deadline);
      Thread.sleep(20);
    }
    assertThat(store(vertx)).startsWith("full: ").contains("database or disk is full");
    assertThat(health).hasSize(1);
    assertThat(health.get(0)).startsWith("full: ");

    ReplyException refused = refusal(vertx, allocate("c3"));
    assertThat(refused.failureCode()).isEqualTo(503);
    assertThat(refused.getMessage()).contains("the data directory " + small
        + " is full: free space on it; weft resumes by itself");
    assertThat(refusal(vertx, new JsonObject().put("op", "delete").put("id", "c1"))
        .failureCode()).isEqualTo(503);
    assertThat(answer(vertx, new JsonObject().put("op", "lookup").put("id", "c1"))
        .getJsonArray("addresses")).containsExactly("10.32.0.1/24");
    Thread.sleep(GroupCommit.RETRY_MS * 2);
    assertThat(waiting.isComplete()).as("nothing answered before it is written").isFalse();
    assertThat(health).as("one report while full, not one per retry").hasSize(1);

    Files.delete(filler);
    assertThat(waiting.await(10, TimeUnit.SECONDS).body().getString("address"))
        .isEqualTo("10.32.0.2/24");
    assertThat(health).hasSize(2).last().isEqualTo("writable");
    assertThat(store(vertx)).isEqualTo("ok");
    assertThat(answer(vertx, allocate("c4")).getString("address")).isEqualTo("10.32.0.3/24");
    assertThat(store.load().allocations()).extracting(Batch.Row::ident)
        .containsExactly("c1", "c2", "c4");
  }


}
