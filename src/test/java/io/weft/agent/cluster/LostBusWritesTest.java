package io.weft.agent.cluster;

import static io.weft.testing.LoopbackCluster.await;
import static io.weft.testing.LoopbackCluster.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.weft.testing.LoopbackCluster;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A message whose write fails on an open event-bus connection (the member at its other end went
 * away, or refused this one's certificate) made Vert.x log "ERROR ContextImpl: Unhandled
 * exception ... IllegalStateException: Promise already completed" (see {@link LostBusWrites}).
 * Two members on loopback; one sends to the other without pause while the other leaves, so that
 * writes already handed to the connection fail once it is closed (Vert.x's trace then starts at
 * Netty's {@code failFlushed}; with TLS it is {@code SslHandler.wrap}, the same defect).
 */
class LostBusWritesTest {
  private final LoopbackCluster cluster = new LoopbackCluster();
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);

  @AfterEach
  void close() throws Exception {
    root.detachAppender(logged);
    cluster.close();
  }

  @Test
  void aWriteThatFailsWhenTheOtherMemberLeavesIsNoError() throws Exception {
    int portA = freePort();
    int portB = freePort();
    Vertx a = cluster.join(portA, portB, null).clustered();
    Vertx b = cluster.join(portB, portA, null).clustered();
    LostBusWrites lost = LostBusWrites.install(a);
    b.eventBus().<Buffer>consumer("lost-writes", m -> m.reply("here")).completion().await(30, TimeUnit.SECONDS);
    a.eventBus().request("lost-writes", Buffer.buffer("hello"))
        .await(30, TimeUnit.SECONDS); // the connection to B is open
    logged.start();
    root.addAppender(logged);

    AtomicBoolean sending = new AtomicBoolean(true);
    // Large enough that A's socket buffer stays full: writes are always pending when B closes.
    Buffer body = Buffer.buffer(new byte[256 * 1024]);
    Thread sender = new Thread(() -> {
      while (sending.get()) {
        a.eventBus().send("lost-writes", body);
      }
    });
    sender.start();
    try {
      Thread.sleep(200);
      cluster.close(b);
      await(() -> lost.count() > 0, "a write to B failed after B left");
    } finally {
      sending.set(false);
      sender.join();
    }

    assertThat(logged.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
        .extracting(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).isEmpty();
  }
}
