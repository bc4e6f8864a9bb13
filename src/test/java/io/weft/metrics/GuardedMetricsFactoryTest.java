package io.weft.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A connection that Vert.x accepted before its server's metrics existed has no connection
 * metric: its requests must be served and counted, not fail inside the metrics.
 */
class GuardedMetricsFactoryTest {
  private static final SocketAddress LOCAL = SocketAddress.inetSocketAddress(6784, "127.0.0.1");
  private static final SocketAddress CLIENT = SocketAddress.inetSocketAddress(40000, "127.0.0.1");

  @Test
  void aRequestOnAConnectionWithoutAMetricIsCountedUnderAConnectionOfItsOwn() {
    PrometheusMeterRegistry registry = MetricRegistries.create();
    HttpServerMetrics<Object, ?, Object> server = serverMetrics(
        new GuardedMetricsFactory(registry));

    for (int i = 0; i < 2; i++) {
      Object request = server.requestBegin(null, REQUEST);
      assertThat(registry.scrape()).contains("vertx_http_server_active_connections 1.0");
      server.requestEnd(request, REQUEST, 0);
      server.responseBegin(request, RESPONSE);
      server.requestRouted(request, "/health/live");
      server.responseEnd(request, RESPONSE, 2);
    }
    server.bytesRead(null, CLIENT, 10);
    server.disconnected(null, CLIENT);

    String scrape = registry.scrape();
    assertThat(scrape).contains("vertx_http_server_active_connections 0.0");
    assertThat(scrape.lines().filter(l -> l.startsWith("vertx_http_server_requests_total{"))
        .toList()).singleElement().asString().contains("code=\"200\"").contains("method=\"GET\"")
        .endsWith(" 2.0");
  }

  @Test
  void aRequestResetOnSuchAConnectionGivesItsConnectionMetricBack() {
    PrometheusMeterRegistry registry = MetricRegistries.create();
    HttpServerMetrics<Object, ?, Object> server = serverMetrics(
        new GuardedMetricsFactory(registry));

    server.requestReset(server.requestBegin(null, REQUEST));

    assertThat(registry.scrape()).contains("vertx_http_server_active_connections 0.0");
  }

  @Test
  void aRequestOnAConnectionWithAMetricIsPassedOn() {
    List<String> calls = new ArrayList<>();
    HttpServerMetrics<Object, Object, Object> recorder = new HttpServerMetrics<>() {
      @Override
      public Object connected(SocketAddress remote, String name) {
        calls.add("connected");
        return "connection";
      }

      @Override
      public Object requestBegin(Object connection, HttpRequest request) {
        calls.add("requestBegin " + connection);
        return "request";
      }

      @Override
      public void responseEnd(Object request, HttpResponse response, long bytes) {
        calls.add("responseEnd " + request + " " + response.statusCode());
      }

      @Override
      public void disconnected(Object connection, SocketAddress remote) {
        calls.add("disconnected " + connection);
      }
    };
    var server = new GuardedMetricsFactory.GuardedHttpServer(recorder);

    Object connection = server.connected(CLIENT, "client");
    Object request = server.requestBegin(connection, REQUEST);
    server.responseEnd(request, RESPONSE, 2);
    server.disconnected(connection, CLIENT);

    assertThat(calls).containsExactly("connected", "requestBegin connection",
        "responseEnd request 200", "disconnected connection");
  }

  @Test
  void withoutTheGuardMicrometerFailsOnSuchARequest() {
    HttpServerMetrics<Object, ?, Object> server = serverMetrics(
        new MicrometerMetricsFactory(MetricRegistries.create()));

    assertThatThrownBy(() -> server.requestBegin(null, REQUEST))
        .isInstanceOf(NullPointerException.class);
  }

  @SuppressWarnings("unchecked")
  private static HttpServerMetrics<Object, ?, Object> serverMetrics(
      MicrometerMetricsFactory factory) {
    // A registry name of its own: Vert.x keeps its meters per registry name, process-wide, and
    // under a name another test used they would go to that test's registry.
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true).setRegistryName("guarded-" + System.nanoTime()));
    return (HttpServerMetrics<Object, ?, Object>) factory.metrics(options)
        .createHttpServerMetrics(new HttpServerOptions(), LOCAL);
  }

  private static final HttpRequest REQUEST = new HttpRequest() {
    @Override
    public int id() {
      return 1;
    }

    @Override
    public String uri() {
      return "/health/live";
    }

    @Override
    public String absoluteURI() {
      return "http://127.0.0.1:6784/health/live";
    }

    @Override
    public HttpMethod method() {
      return HttpMethod.GET;
    }

    @Override
    public MultiMap headers() {
      return MultiMap.caseInsensitiveMultiMap();
    }

    @Override
    public SocketAddress remoteAddress() {
      return CLIENT;
    }
  };

  private static final HttpResponse RESPONSE = new HttpResponse() {
    @Override
    public int statusCode() {
      return 200;
    }

    @Override
    public MultiMap headers() {
      return MultiMap.caseInsensitiveMultiMap();
    }
  };
}
