package io.weft.agent.cluster;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clustered Vert.x's handler of exceptions nobody caught, which tells a message to a member
 * that was not written apart from a real error.
 *
 * <p>Vert.x 5.0 (up to 5.0.12 at least) throws {@code IllegalStateException: Promise already
 * completed} whenever a write on an open event-bus connection fails: {@code OutboundConnection}
 * hands the socket's write result to the message's {@code OutboundDeliveryContext} with
 * {@code onComplete(writePromise)}, whose {@code tryFail} records the failure and then returns
 * false, so {@code Promise.fail} throws. The failure itself is already handled (the sender's
 * reply handler fails, the message is lost as any message to a member that went away); only the
 * exception is left, which Vert.x logged as an ERROR "Unhandled exception" with some forty Netty
 * frames ({@code SslHandler.wrap} with TLS). A member whose connection drops while messages are
 * on their way does that, e.g. one that stops. (A member with another CA's certificate did too
 * while the bus trusted every server certificate; see {@link PeerTls#apply}.) Those are logged
 * at debug and counted; anything else stays an error.
 */
public final class LostBusWrites implements Handler<Throwable> {
  private static final Logger LOG = LoggerFactory.getLogger(LostBusWrites.class);
  private final AtomicLong lost = new AtomicLong();

  /** Makes a new handler {@code clustered}'s handler of uncaught exceptions. */
  public static LostBusWrites install(Vertx clustered) {
    LostBusWrites handler = new LostBusWrites();
    clustered.exceptionHandler(handler);
    return handler;
  }

  /** How many failed writes were recognised since {@link #install}. */
  public long count() {
    return lost.get();
  }

  @Override
  public void handle(Throwable t) {
    if (isLostWrite(t)) {
      lost.incrementAndGet();
      LOG.debug("a message to a cluster member was not written (its connection failed); Vert.x"
          + " reports that as a promise completed twice, which is its own defect and harmless", t);
      return;
    }
    LOG.error("unhandled exception on the clustered event bus (peer traffic); this is a bug,"
        + " please report it with this trace", t);
  }

  /**
   * Whether {@code t} is Vert.x's report of a failed write: the failure thrown by
   * {@code Promise.fail} called back as a future's listener ({@code Promise.complete(result,
   * failure)}, from Vert.x's future implementation). Weft never hands a promise of its own to a
   * future of the clustered Vert.x as its listener, so such a promise is Vert.x's; weft's frames
   * may still be on the stack (a send of weft's whose write failed at once).
   */
  static boolean isLostWrite(Throwable t) {
    if (!(t instanceof IllegalStateException)
        || !"Promise already completed".equals(t.getMessage())) {
      return false;
    }
    StackTraceElement[] frames = t.getStackTrace();
    return frames.length >= 3 && isFrame(frames[0], "io.vertx.core.Promise", "fail")
        && isFrame(frames[1], "io.vertx.core.Promise", "complete")
        && frames[2].getClassName().startsWith("io.vertx.core.impl.future.");
  }

  private static boolean isFrame(StackTraceElement frame, String className, String method) {
    return frame.getClassName().equals(className) && frame.getMethodName().equals(method);
  }
}
