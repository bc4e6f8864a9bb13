package io.weft.agent.cluster;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Refused TLS connections on the event bus, logged once. Vert.x logs an ERROR for every failed
 * handshake and retries a connection every few seconds, so a member without this cluster's
 * certificate would fill the log; instead the first refusal gets one line saying what it means,
 * and the rest are only counted ({@link #count()}).
 */
public final class HandshakeRefusals extends TurboFilter {
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(HandshakeRefusals.class);
  private final AtomicLong refused = new AtomicLong();

  /** Installs the filter on logback, if logback is the logging backend. */
  public static HandshakeRefusals install() {
    HandshakeRefusals filter = new HandshakeRefusals();
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      filter.setContext(context);
      filter.start();
      context.addTurboFilter(filter);
    }
    return filter;
  }

  public long count() {
    return refused.get();
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format,
      Object[] params, Throwable t) {
    if (level == null || !level.isGreaterOrEqual(Level.WARN) || logger == null
        || !logger.getName().startsWith("io.vertx")) {
      return FilterReply.NEUTRAL;
    }
    String text = t instanceof SSLException ? t.toString() : format;
    if (text == null || !text.contains("SSLHandshakeException")) {
      return FilterReply.NEUTRAL;
    }
    if (refused.getAndIncrement() == 0) {
      LOG.warn("peer traffic: a TLS handshake on the event bus failed ({}): a cluster member"
          + " whose certificate is not signed by this cluster's CA (--tls-ca), or that has no"
          + " TLS, tried to talk to this agent or was talked to; it is not treated as a peer"
          + " and hears nothing. Give every agent a certificate from the same CA ('weft tls cert"
          + " create'). Further refusals are not logged.", text);
    }
    return FilterReply.DENY;
  }
}
