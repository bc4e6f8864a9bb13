package io.weft.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher against a scripted engine: what IPAM is told, and that bad lines, ended streams,
 * vanished sockets and API errors neither crash nor wedge it.
 */
class ContainerWatchVerticleTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);
  private static final String C = "c".repeat(64);

  @TempDir Path dir;
  private Vertx vertx;
  private FakeEngine engine;
  private DockerStatus status;
  private final BlockingQueue<JsonObject> told = new LinkedBlockingQueue<>();
  private final BlockingQueue<JsonObject> alive = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().<ContainerReport>localConsumer(ContainerWatchVerticle.CONTAINERS,
        m -> told.add(asJson(m.body())));
    engine = new FakeEngine(vertx, dir.resolve("docker.sock")).start();
    status = DockerStatus.watching(engine.uri());
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private void deploy() throws Exception {
    vertx.deployVerticle(new ContainerWatchVerticle(engine.uri(), status, 20, 200))
        .await(10, TimeUnit.SECONDS);
  }

  /** The report in a form the assertions below read easily; the verticle sends typed values. */
  private static JsonObject asJson(ContainerReport report) {
    if (report instanceof ContainerReport.Prune prune) {
      return new JsonObject().put("event", "prune")
          .put("live", new io.vertx.core.json.JsonArray(List.copyOf(prune.live())));
    }
    ContainerReport.Happened h = (ContainerReport.Happened) report;
    String what = switch (h.event().kind()) {
      case STARTED -> "started";
      case DIED -> "died";
      case DESTROYED -> "destroyed";
      case CREATED -> "created";
    };
    return new JsonObject().put("event", what).put("id", h.event().id())
        .put("readNanos", h.readNanos());
  }

  private JsonObject next() throws InterruptedException {
    JsonObject message = told.poll(10, TimeUnit.SECONDS);
    assertThat(message).as("a message to IPAM within 10 s").isNotNull();
    if (!"prune".equals(message.getString("event"))) {
      assertThat(message.getLong("readNanos")).isNotNull();
      message.remove("readNanos");
    }
    return message;
  }

  private JsonObject nextPrune() throws InterruptedException {
    JsonObject message = next();
    assertThat(message.getString("event")).isEqualTo("prune");
    return message;
  }

  private void awaitStreamOpen() throws InterruptedException {
    for (int i = 0; i < 500 && engine.openStreams() == 0; i++) {
      Thread.sleep(10);
    }
    assertThat(engine.openStreams()).isEqualTo(1);
  }

  @Test
  void prunesWithEveryContainerTheEngineListsThenForwardsEvents() throws Exception {
    engine.containers(List.of(A, B));
    deploy();
    assertThat(nextPrune().getJsonArray("live").getList()).containsExactlyInAnyOrder(A, B);
    assertThat(status.word()).isEqualTo("connected");
    assertThat(status.details().getInteger("containers")).isEqualTo(2);

    awaitStreamOpen();
    engine.event("die", A);
    engine.event("start", A);
    engine.event("remove", B);
    engine.event("destroy", A);
    assertThat(next()).isEqualTo(new JsonObject().put("event", "died").put("id", A));
    assertThat(next()).isEqualTo(new JsonObject().put("event", "started").put("id", A));
    assertThat(next()).isEqualTo(new JsonObject().put("event", "destroyed").put("id", B));
    assertThat(next()).isEqualTo(new JsonObject().put("event", "destroyed").put("id", A));
  }

  @Test
  void malformedLinesAreSkippedAndTheStreamGoesOn() throws Exception {
    deploy();
    nextPrune();
    awaitStreamOpen();
    engine.write("this is not json\n");
    engine.write("[1,2,3]\n");
    engine.write("{\"Type\":\"container\",\"Action\":\"die\"}\n"); // no ID
    engine.write("{\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"../etc\"}}\n");
    engine.write("{\"Type\":\"container\",\"Action\":\"die\",\"Actor\":\"nope\",\"id\":7}\n");
    engine.write("{\"Type\":\"image\",\"Action\":\"pull\",\"id\":\"busybox\"}\n");
    engine.write("{\"Type\":\"container\",\"Action\":\"exec_start: sh\",\"id\":\"" + A + "\"}\n");
    engine.write("\n\n{\"Type\":\"container\",\"Action\":\"die\",");  // split over two chunks
    engine.write("\"id\":\"" + C + "\"}\n");
    assertThat(next()).isEqualTo(new JsonObject().put("event", "died").put("id", C));
    assertThat(status.word()).isEqualTo("connected");
    assertThat(engine.eventRequests).isEqualTo(1);
  }

  @Test
  void aStreamThatEndsIsReopenedAndPrunedAgain() throws Exception {
    engine.containers(List.of(A));
    deploy();
    nextPrune();
    awaitStreamOpen();
    engine.containers(List.of());
    engine.endStreams();
    assertThat(nextPrune().getJsonArray("live").getList()).isEmpty();
    assertThat(engine.eventRequests).isEqualTo(2);
    assertThat(status.word()).isEqualTo("connected");
    assertThat(status.lastError()).contains("ended the event stream");
    awaitStreamOpen();
    engine.event("remove", A);
    assertThat(next().getString("event")).isEqualTo("destroyed");
  }

  @Test
  void aSocketThatDisappearsIsUnavailableUntilItComesBack() throws Exception {
    deploy();
    nextPrune();
    awaitStreamOpen();
    engine.stop();
    Files.deleteIfExists(dir.resolve("docker.sock"));
    awaitState("unavailable");
    Thread.sleep(500); // several retries fail meanwhile
    assertThat(told).isEmpty();
    engine.containers(List.of(B));
    engine.start();
    assertThat(nextPrune().getJsonArray("live").getList()).contains(B);
    awaitState("connected");
  }

  @Test
  void apiErrorsAreReportedAndRetried() throws Exception {
    engine.listAnswers(500, "{\"message\":\"the engine is overloaded\"}");
    deploy();
    awaitState("unavailable");
    awaitError("/containers/json answered 500: the engine is overloaded");
    engine.listAnswers(200, "{\"not\":\"a list\"}");
    awaitError("/containers/json did not answer a JSON array");
    engine.listAnswers(200, "[{\"Id\":42}]");
    awaitError("without a valid Id");
    assertThat(told).as("never prune on a listing we could not read").isEmpty();

    engine.eventsAnswer(500);
    engine.containers(List.of(A));
    awaitError("/events answered 500: events are broken today");
    engine.eventsAnswer(200);
    assertThat(nextPrune().getJsonArray("live").getList()).contains(A);
    awaitState("connected");
  }

  @Test
  void anOverlongLineDropsTheStreamAndReconnects() throws Exception {
    deploy();
    nextPrune();
    awaitStreamOpen();
    engine.write("{\"x\":\"" + "y".repeat(300 * 1024) + "\"}\n");
    nextPrune();
    assertThat(status.lastError()).contains("longer than");
    awaitStreamOpen();
    engine.event("die", A);
    assertThat(next().getString("event")).isEqualTo("died");
  }

  @Test
  void answersWhetherAContainerRuns() throws Exception {
    engine.running(A, true);
    engine.running(B, false);
    deploy();
    nextPrune();
    assertThat(aliveOf(A)).isEqualTo(true);
    assertThat(aliveOf(B)).isEqualTo(false);
    assertThat(aliveOf(C)).as("unknown to the engine").isEqualTo(false);
    engine.stop();
    awaitState("unavailable");
    assertThat(aliveOf(A)).as("cannot say while the engine is away").isNull();
  }

  private Boolean aliveOf(String id) throws Exception {
    return vertx.eventBus().<JsonObject>request(ContainerWatchVerticle.ALIVE,
        new JsonObject().put("id", id)).await(10, TimeUnit.SECONDS).body().getBoolean("running");
  }

  private void awaitState(String word) throws InterruptedException {
    for (int i = 0; i < 1000 && !status.word().equals(word); i++) {
      Thread.sleep(10);
    }
    assertThat(status.word()).isEqualTo(word);
  }

  private void awaitError(String text) throws InterruptedException {
    for (int i = 0; i < 1000 && !String.valueOf(status.lastError()).contains(text); i++) {
      Thread.sleep(10);
    }
    assertThat(status.lastError()).contains(text);
  }
}
