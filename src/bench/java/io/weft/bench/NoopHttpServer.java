package io.weft.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

/**
 * The ceiling for {@link LoadBench}: a Vert.x HTTP server, as the agent builds it (the same jar,
 * the same Vert.x defaults), that does no work. It answers {@code POST /ip/{id}} with a fixed
 * address and {@code DELETE /ip/{id}} with 204, as the agent does, so that wrk sends and reads
 * the same bytes; whatever the agent reaches below this server's rate on the same run is the
 * cost of allocating, freeing and committing. Run in its own JVM:
 * {@code java -cp target/test-classes:target/weft.jar io.weft.bench.NoopHttpServer PORT}.
 */
public final class NoopHttpServer {
  private NoopHttpServer() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx();
    vertx.createHttpServer().requestHandler(request -> {
      if (request.method() == HttpMethod.POST) {
        request.response().putHeader("content-type", "text/plain; charset=utf-8")
            .end("10.32.0.1/12");
      } else {
        request.response().setStatusCode(204).end();
      }
    }).listen(port, "127.0.0.1").await();
    System.out.println("listening on 127.0.0.1:" + port);
  }
}
