package io.weft.dockerplugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.weft.agent.Agent;
import io.weft.agent.AgentOptions;
import io.weft.agent.ipam.IpamApi;
import io.weft.net.Cidr;
import io.weft.net.HostPort;
import io.weft.net.Ip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The driver as Docker sees it: JSON POSTs over its unix socket, served by a real embedded
 * agent (one peer, so it has a ring at once) whose addresses come from its ring.
 */
class IpamDriverVerticleTest {
  static final Cidr RANGE = Cidr.parse("10.32.0.0/12");
  static final Cidr DEFAULT_SUBNET = Cidr.parse("10.32.0.0/16");
  static Path dir;
  static Path socket;
  static Agent agent;
  static HttpClient client;

  record Answer(int status, String contentType, JsonObject body) {}

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("weft-driver-test");
    socket = dir.resolve("plugins/weft-test.sock");
    agent = Agent.start(new AgentOptions(1, false, RANGE, DEFAULT_SUBNET, Optional.empty(),
        "driver-test", dir.resolve("data"), new HostPort("127.0.0.1", port()),
        Optional.of("127.0.0.1"), port(), port(), Optional.empty(), Optional.empty(),
        Duration.ofSeconds(30), "driver-test-" + System.nanoTime(), List.of(), List.of(),
        Optional.empty(), Optional.of(socket)));
    client = agent.vertx().createHttpClient();
  }

  @AfterAll
  static void stop() {
    if (agent != null) {
      agent.close();
    }
    assertThat(socket).as("the socket file is removed at stop").doesNotExist();
  }

  static int port() throws Exception {
    return io.weft.testing.FreePorts.next();
  }

  static Answer call(Path at, HttpMethod method, String path, String body) throws Exception {
    return call(agent.vertx(), client, at, method, path, body);
  }

  /**
   * One request, made on an event loop: called from the test thread, the response's callbacks
   * would run a turn later than its bytes arrive, and a body that ended in between never
   * completes {@code body()} (one request in a few hundred hung that way).
   */
  static Answer call(Vertx vertx, HttpClient client, Path at, HttpMethod method, String path,
      String body) throws Exception {
    Promise<Answer> answer = Promise.promise();
    vertx.runOnContext(v -> client.request(new RequestOptions().setServer(
                SocketAddress.domainSocketAddress(at.toString()))
            .setHost("plugin").setMethod(method).setURI(path)
            .putHeader("Accept", IpamDriverVerticle.MEDIA_TYPE))
        .compose(r -> r.send(Buffer.buffer(body)))
        .compose(r -> r.body().map(b -> new Answer(r.statusCode(), r.getHeader("content-type"),
            new JsonObject(b))))
        .onComplete(answer));
    Answer a = answer.future().await(60, TimeUnit.SECONDS);
    assertThat(a.contentType()).isEqualTo(IpamDriverVerticle.MEDIA_TYPE);
    return a;
  }

  static Answer post(String path, String body) throws Exception {
    return call(socket, HttpMethod.POST, path, body);
  }

  static JsonObject ok(String path, JsonObject body) throws Exception {
    Answer a = post(path, body.encode());
    assertThat(a.status()).as(a.body().encode()).isEqualTo(200);
    assertThat(a.body().containsKey("Err")).as(a.body().encode()).isFalse();
    return a.body();
  }

  static String err(String path, String body) throws Exception {
    Answer a = post(path, body);
    assertThat(a.status()).isIn(413, 500);
    assertThat(a.body().getString("Err")).isNotBlank();
    return a.body().getString("Err");
  }

  static JsonArray owned() throws Exception {
    return agent.vertx().eventBus().<JsonObject>request(IpamApi.ADDRESS,
            new JsonObject().put("op", "owned"), new DeliveryOptions().setLocalOnly(true))
        .await(30, TimeUnit.SECONDS).body().getJsonArray("owned");
  }

  static String pool(String subnet) throws Exception {
    return ok("/IpamDriver.RequestPool", new JsonObject().put("AddressSpace", "weft-local")
        .put("Pool", subnet).put("SubPool", "").put("Options", new JsonObject()).put("V6", false))
        .getString("PoolID");
  }

  static String address(String poolId, String address, boolean gateway) throws Exception {
    JsonObject options = gateway ? new JsonObject().put("RequestAddressType",
        DriverRequests.GATEWAY_TYPE) : null;
    return ok("/IpamDriver.RequestAddress", new JsonObject().put("PoolID", poolId)
        .put("Address", address).put("Options", options)).getString("Address");
  }

  static void release(String poolId, String bare) throws Exception {
    ok("/IpamDriver.ReleaseAddress", new JsonObject().put("PoolID", poolId).put("Address", bare));
  }

  @Test
  void handshakeAsDockerSendsIt() throws Exception {
    assertThat(post("/Plugin.Activate", "").body())
        .isEqualTo(new JsonObject().put("Implements", new JsonArray().add("IpamDriver")));
    assertThat(post("/IpamDriver.GetCapabilities", "").body().getBoolean("RequiresMACAddress"))
        .isFalse();
    JsonObject spaces = post("/IpamDriver.GetDefaultAddressSpaces", "").body();
    assertThat(spaces.getString("LocalDefaultAddressSpace")).isNotBlank();
    assertThat(spaces.getString("GlobalDefaultAddressSpace")).isNotBlank();
  }

  @Test
  void aNetworkWithoutSubnetGetsTheDefaultSubnetAndDistinctAddresses() throws Exception {
    JsonObject answer = ok("/IpamDriver.RequestPool", new JsonObject()
        .put("AddressSpace", "weft-local").put("Pool", "").put("V6", false));
    assertThat(answer.getString("Pool")).isEqualTo(DEFAULT_SUBNET.toString());
    String poolId = answer.getString("PoolID");
    String gateway = address(poolId, "", true);
    Set<String> seen = new HashSet<>();
    seen.add(gateway);
    for (int i = 0; i < 5; i++) {
      String a = address(poolId, "", false);
      assertThat(a).endsWith("/16");
      assertThat(DEFAULT_SUBNET.contains(Ip.parse(a.substring(0, a.indexOf('/'))))).isTrue();
      assertThat(seen.add(a)).as("no address twice, the gateway included: %s", seen).isTrue();
    }
    assertThat(owned().encode()).contains("docker-gw.10.32.0.0-16.").contains("docker-ep.");
    for (String a : seen) {
      release(poolId, a.substring(0, a.indexOf('/')));
    }
    assertThat(err("/IpamDriver.RequestPool", "{\"Pool\": \"\"}"))
        .as("a second default pool would make Docker ask forever").contains("--subnet").contains("ip route");
    ok("/IpamDriver.ReleasePool", new JsonObject().put("PoolID", poolId));
    ok("/IpamDriver.ReleasePool", new JsonObject().put("PoolID", ok("/IpamDriver.RequestPool",
        new JsonObject()).getString("PoolID")));
    for (String a : seen) {
      assertThat(owned().encode()).doesNotContain("\"" + a + "\"");
    }
  }

  @Test
  void aGivenAddressIsClaimedOnceAndRefusedWhileHeld() throws Exception {
    String poolId = pool("10.33.7.0/24");
    assertThat(address(poolId, "10.33.7.200", false)).isEqualTo("10.33.7.200/24");
    assertThat(err("/IpamDriver.RequestAddress", new JsonObject().put("PoolID", poolId)
        .put("Address", "10.33.7.200").encode())).contains("10.33.7.200");
    assertThat(err("/IpamDriver.RequestAddress", new JsonObject().put("PoolID", poolId)
        .put("Address", "10.34.0.1").encode())).contains("not in the network's subnet");
    assertThat(err("/IpamDriver.RequestAddress", new JsonObject().put("PoolID", poolId)
        .put("Address", "10.33.7.255").encode()))
        .contains("10.33.7.255 is the broadcast address").contains("10.33.7.1 to 10.33.7.254");
    assertThat(err("/IpamDriver.RequestAddress", new JsonObject().put("PoolID", poolId)
        .put("Address", "10.33.7.0").encode())).contains("10.33.7.0 is the network address");
    assertThat(owned().encode()).doesNotContain("10.33.7.255").doesNotContain("10.33.7.0/");
    release(poolId, "10.33.7.200");
    assertThat(address(poolId, "10.33.7.200", false)).as("free again after the release")
        .isEqualTo("10.33.7.200/24");
    release(poolId, "10.33.7.200");
    release(poolId, "10.33.7.200"); // a second release of a free address is no error
  }

  @Test
  void aSubPoolBoundsTheAddressesButNotTheirPrefix() throws Exception {
    JsonObject answer = ok("/IpamDriver.RequestPool", new JsonObject().put("Pool",
        "10.35.0.0/16").put("SubPool", "10.35.9.0/28"));
    String a = address(answer.getString("PoolID"), "", false);
    assertThat(a).startsWith("10.35.9.").endsWith("/16");
    release(answer.getString("PoolID"), a.substring(0, a.indexOf('/')));
  }

  @Test
  void poolsOutsideTheRangeAndIpv6AreRefusedWithAReason() throws Exception {
    assertThat(err("/IpamDriver.RequestPool", new JsonObject().put("Pool", "192.168.0.0/24")
        .encode())).contains("not inside weft's allocation range 10.32.0.0/12");
    assertThat(err("/IpamDriver.RequestPool", new JsonObject().put("Pool", "10.0.0.0/8")
        .encode())).contains("not inside");
    assertThat(err("/IpamDriver.RequestPool", new JsonObject().put("V6", true).encode()))
        .contains("IPv4 addresses only");
    assertThat(err("/IpamDriver.RequestPool", new JsonObject().put("Pool", "10.32.0.1/16")
        .encode())).contains("host bits");
    assertThat(err("/IpamDriver.RequestPool", new JsonObject().put("Pool", "10.32.0.0/16")
        .put("SubPool", "10.40.0.0/24").encode())).contains("--ip-range");
  }

  @Test
  void malformedRequestsGetAnErrNeverADroppedConnection() throws Exception {
    assertThat(err("/IpamDriver.RequestPool", "")).contains("empty");
    assertThat(err("/IpamDriver.RequestAddress", "{not json")).contains("JSON object");
    assertThat(err("/IpamDriver.RequestAddress", "[1,2]")).contains("JSON object");
    assertThat(err("/IpamDriver.RequestAddress", "{\"PoolID\": 7}")).contains("'PoolID'");
    assertThat(err("/IpamDriver.RequestAddress", "{\"PoolID\": \"other\"}"))
        .contains("unknown PoolID");
    assertThat(err("/IpamDriver.RequestAddress", "{\"PoolID\": \"weft:10.32.0.0/16\","
        + "\"Options\": 3}")).contains("'Options'");
    assertThat(err("/IpamDriver.ReleaseAddress", "{\"PoolID\": \"weft:10.32.0.0/16\","
        + "\"Address\": \"ten\"}")).contains("not an IPv4 address");
    assertThat(err("/NetworkDriver.CreateNetwork", "{}")).contains("unknown call");
    // Answered before the body is read, then closed: on a client of its own, so that the
    // shared client's pool never hands the half-written connection to the next request.
    HttpClient once = agent.vertx().createHttpClient(new HttpClientOptions().setKeepAlive(false));
    try {
      Answer big = call(agent.vertx(), once, socket, HttpMethod.POST, "/IpamDriver.RequestPool",
          "x".repeat(IpamDriverVerticle.MAX_BODY_BYTES + 10));
      assertThat(big.status()).isEqualTo(413);
      assertThat(big.body().getString("Err")).contains("over");
    } finally {
      once.close();
    }
    Answer get = call(socket, HttpMethod.GET, "/Plugin.Activate", "");
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.body().getString("Err")).contains("only POST");
  }

  @Test
  void withoutARingTheAnswerSaysWhyWithinItsPatience() throws Exception {
    Path other = dir.resolve("patience.sock");
    // A second driver on the same agent whose allocator is asked for a subnet that needs a ring
    // it cannot have: we use a separate agent that waits for a second peer.
    Path data = Files.createTempDirectory("weft-driver-noring");
    Agent lonely = Agent.start(new AgentOptions(2, false, RANGE, DEFAULT_SUBNET, Optional.empty(),
        "noring", data.resolve("data"), new HostPort("127.0.0.1", port()),
        Optional.of("127.0.0.1"), port(), port(), Optional.empty(), Optional.empty(),
        Duration.ofSeconds(30), "driver-noring-" + System.nanoTime(), List.of()));
    try {
      lonely.vertx().deployVerticle(new IpamDriverVerticle(other, RANGE, DEFAULT_SUBNET,
          Duration.ofSeconds(2))).await(30, TimeUnit.SECONDS);
      HttpClient c = lonely.vertx().createHttpClient();
      Answer a = call(lonely.vertx(), c, other, HttpMethod.POST, "/IpamDriver.RequestAddress",
          new JsonObject().put("PoolID", "weft:10.32.0.0/16").encode());
      assertThat(a.status()).isEqualTo(500);
      assertThat(a.body().getString("Err")).contains("within 2 s").contains("no ring yet")
          .contains("quorum 2");
    } finally {
      lonely.close();
    }
  }

  @Test
  void aSocketServedByAnotherProcessIsNotTakenOver() throws Exception {
    Throwable failure = agent.vertx().deployVerticle(new IpamDriverVerticle(socket, RANGE,
        DEFAULT_SUBNET)).transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause()))
        .await(30, TimeUnit.SECONDS);
    assertThat(failure).isNotNull();
    assertThat(failure.getMessage()).contains("another process serves");
    assertThat(post("/Plugin.Activate", "").status()).as("the first one still serves")
        .isEqualTo(200);
  }
}
