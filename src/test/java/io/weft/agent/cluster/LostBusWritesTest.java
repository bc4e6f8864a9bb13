package io.weft.agent.cluster;

import static io.weft.testing.LoopbackCluster.await;
import static io.weft.testing.LoopbackCluster.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.weft.testing.LoopbackCluster;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A message whose write fails on an open event-bus connection made Vert.x log "ERROR
 * ContextImpl: Unhandled exception ... IllegalStateException: Promise already completed" (see
 * {@link LostBusWrites}). Vert.x throws it where a failed future completes a promise that is
 * already complete; the same happens here on purpose, on a clustered Vert.x's own context, so the
 * exception takes the path a failed write's takes, without depending on when a socket fails.
 */
class LostBusWritesTest {
  private final LoopbackCluster cluster = new LoopbackCluster();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private Vertx clustered;
  private LostBusWrites lost;

  @BeforeEach
  void join() throws Exception {
    clustered = cluster.join(freePort(), freePort(), null).clustered();
    lost = LostBusWrites.install(clustered);
    logged.start();
    root.addAppender(logged);
  }

  @AfterEach
  void close() throws Exception {
    root.detachAppender(logged);
    cluster.close();
  }

  @Test
  void aPromiseCompletedTwiceByAFailedWriteIsCountedNotLoggedAsAnError() throws Exception {
    clustered.runOnContext(v -> {
      // As Vert.x's connection does: the write's future completes the message's promise.
      Promise<Void> delivery = Promise.promise();
      delivery.complete();
      Promise<Void> write = Promise.promise();
      write.future().onComplete(delivery);
      write.fail("the connection closed");
    });
    await(() -> lost.count() == 1, "the lost write was recognised");
    assertThat(errors()).isEmpty();
  }

  @Test
  void anyOtherUncaughtExceptionIsStillAnError() throws Exception {
    clustered.runOnContext(v -> {
      throw new IllegalStateException("something else");
    });
    await(() -> !errors().isEmpty(), "an error was logged");
    assertThat(errors()).singleElement().asString().contains("this is a bug");
    assertThat(lost.count()).isZero();
  }

  private List<String> errors() {
    return List.copyOf(logged.list).stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
  }
}
