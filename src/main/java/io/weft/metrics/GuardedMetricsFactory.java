package io.weft.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.DatagramSocketMetrics;
import io.vertx.core.spi.metrics.EventBusMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.PoolMetrics;
import io.vertx.core.spi.metrics.TCPMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import io.vertx.micrometer.MicrometerMetricsFactory;

/**
 * Vert.x's Micrometer metrics, with the HTTP server's guarded against a race in Vert.x 5: a
 * server creates its metrics only once its port is bound, so a connection accepted in between
 * (a health probe polling a starting agent, a scraper that connected early and keeps its
 * connection open) has no connection metric, and Micrometer's request meters then throw
 * {@code NullPointerException} on its first request, which is never answered: the probe hangs.
 * Here each request on such a connection is counted under a connection metric of its own that
 * lasts as long as the request; the connection's bytes are not counted.
 */
public final class GuardedMetricsFactory extends MicrometerMetricsFactory {
  public GuardedMetricsFactory(MeterRegistry registry) {
    super(registry);
  }

  @Override
  public VertxMetrics metrics(VertxOptions options) {
    return new Guarded(super.metrics(options));
  }

  /** Every call goes to Micrometer's; only HTTP server metrics are wrapped. */
  private record Guarded(VertxMetrics metrics) implements VertxMetrics {
    @Override
    public EventBusMetrics createEventBusMetrics() {
      return metrics.createEventBusMetrics();
    }

    @Override
    public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions options,
        SocketAddress localAddress) {
      HttpServerMetrics<?, ?, ?> server = metrics.createHttpServerMetrics(options, localAddress);
      return server == null ? null : new GuardedHttpServer(server);
    }

    @Override
    public ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type,
        String namespace) {
      return metrics.createClientMetrics(remoteAddress, type, namespace);
    }

    @Override
    public HttpClientMetrics<?, ?, ?> createHttpClientMetrics(HttpClientOptions options) {
      return metrics.createHttpClientMetrics(options);
    }

    @Override
    public TCPMetrics<?> createNetServerMetrics(NetServerOptions options,
        SocketAddress localAddress) {
      return metrics.createNetServerMetrics(options, localAddress);
    }

    @Override
    public TCPMetrics<?> createNetClientMetrics(NetClientOptions options) {
      return metrics.createNetClientMetrics(options);
    }

    @Override
    public DatagramSocketMetrics createDatagramSocketMetrics(DatagramSocketOptions options) {
      return metrics.createDatagramSocketMetrics(options);
    }

    @Override
    public PoolMetrics<?, ?> createPoolMetrics(String type, String name, int maxSize) {
      return metrics.createPoolMetrics(type, name, maxSize);
    }

    @Override
    public void vertxCreated(io.vertx.core.Vertx vertx) {
      metrics.vertxCreated(vertx);
    }

    @Override
    public boolean isMetricsEnabled() {
      return metrics.isMetricsEnabled();
    }

    @Override
    public void close() {
      metrics.close();
    }
  }

  /**
   * Passes every call on. A request on a connection that has no metric (accepted before the
   * server's metrics existed) gets one made for it alone, given back when the request ends, so
   * that the open-connections gauge counts the connection while it is in use and no longer; the
   * other calls about such a connection do nothing.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static final class GuardedHttpServer implements HttpServerMetrics<Object, Object, Object> {
    private final HttpServerMetrics server;

    GuardedHttpServer(HttpServerMetrics<?, ?, ?> server) {
      this.server = server;
    }

    /** The request metric of a request on an unmetered connection, and the one made for it. */
    private record Unmetered(Object connection, SocketAddress remote, Object request) {}

    private static Object unwrapped(Object requestMetric) {
      return requestMetric instanceof Unmetered u ? u.request() : requestMetric;
    }

    private void ended(Object requestMetric) {
      if (requestMetric instanceof Unmetered u) {
        server.disconnected(u.connection(), u.remote());
      }
    }

    @Override
    public Object requestBegin(Object socketMetric, HttpRequest request) {
      if (socketMetric != null) {
        return server.requestBegin(socketMetric, request);
      }
      SocketAddress remote = request.remoteAddress();
      if (remote == null) {
        return null;
      }
      Object connection = server.connected(remote, null);
      return new Unmetered(connection, remote, server.requestBegin(connection, request));
    }

    @Override
    public void requestEnd(Object requestMetric, HttpRequest request, long bytesRead) {
      if (requestMetric != null) {
        server.requestEnd(unwrapped(requestMetric), request, bytesRead);
      }
    }

    @Override
    public void requestReset(Object requestMetric) {
      if (requestMetric != null) {
        server.requestReset(unwrapped(requestMetric));
        ended(requestMetric);
      }
    }

    @Override
    public void responseBegin(Object requestMetric, HttpResponse response) {
      if (requestMetric != null) {
        server.responseBegin(unwrapped(requestMetric), response);
      }
    }

    @Override
    public Object responsePushed(Object socketMetric, HttpMethod method, String uri,
        HttpResponse response) {
      return socketMetric == null ? null : server.responsePushed(socketMetric, method, uri,
          response);
    }

    @Override
    public void responseEnd(Object requestMetric, HttpResponse response, long bytesWritten) {
      if (requestMetric != null) {
        server.responseEnd(unwrapped(requestMetric), response, bytesWritten);
        ended(requestMetric);
      }
    }

    @Override
    public Object connected(Object socketMetric, Object requestMetric,
        ServerWebSocket serverWebSocket) {
      return socketMetric == null || requestMetric == null ? null
          : server.connected(socketMetric, unwrapped(requestMetric), serverWebSocket);
    }

    @Override
    public void disconnected(Object webSocketMetric) {
      if (webSocketMetric != null) {
        server.disconnected(webSocketMetric);
      }
    }

    @Override
    public void requestRouted(Object requestMetric, String route) {
      if (requestMetric != null) {
        server.requestRouted(unwrapped(requestMetric), route);
      }
    }

    @Override
    public Object connected(SocketAddress remoteAddress, String remoteName) {
      return server.connected(remoteAddress, remoteName);
    }

    @Override
    public void disconnected(Object socketMetric, SocketAddress remoteAddress) {
      if (socketMetric != null) {
        server.disconnected(socketMetric, remoteAddress);
      }
    }

    @Override
    public void bytesRead(Object socketMetric, SocketAddress remoteAddress, long numberOfBytes) {
      if (socketMetric != null) {
        server.bytesRead(socketMetric, remoteAddress, numberOfBytes);
      }
    }

    @Override
    public void bytesWritten(Object socketMetric, SocketAddress remoteAddress,
        long numberOfBytes) {
      if (socketMetric != null) {
        server.bytesWritten(socketMetric, remoteAddress, numberOfBytes);
      }
    }

    @Override
    public void exceptionOccurred(Object socketMetric, SocketAddress remoteAddress,
        Throwable t) {
      if (socketMetric != null) {
        server.exceptionOccurred(socketMetric, remoteAddress, t);
      }
    }

    @Override
    public void close() {
      server.close();
    }
  }
}
