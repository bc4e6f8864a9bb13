package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of random and malformed HTTP requests and bridge frames against a running agent,
 * from a printed seed ({@code -Dweft.fuzz.seed=N} replays one). Afterwards the agent is live, no
 * answer was a 5xx, and what it holds is exactly what the successful requests said they did.
 */
class FuzzIT {
  private static final int HTTP_REQUESTS = 3000;
  private static final int RAW_CONNECTIONS = 300;
  private static final int BRIDGE_FRAMES = 2000;
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private final long seed = Long.getLong("weft.fuzz.seed", 20261125L);
  private final Random random = new Random(seed);
  /** ident -> bare addresses, as the successful answers told. */
  private final Map<String, Set<String>> model = new TreeMap<>();
  private final List<String> fiveHundreds = new ArrayList<>();
  private final Map<Integer, Integer> statuses = new TreeMap<>();
  /** What each ident was asked and answered, to explain a difference from the model. */
  private final Map<String, List<String>> history = new TreeMap<>();

  @Test
  void randomAndMalformedInputNeverCrashesNorChangesStateUnasked(@TempDir Path dir)
      throws Exception {
    System.out.println("fuzz seed " + seed + " (replay with -Dweft.fuzz.seed=" + seed + ")");
    int bridgePort = AgentProcess.freePort();
    try (AgentProcess agent = new AgentProcess(dir.resolve("a"))) {
      agent.start("--init-peer-count", "1", "--bridge-addr", "127.0.0.1:" + bridgePort)
          .awaitLive(Duration.ofSeconds(60));
      // Readiness says 503 until the cluster has joined (the agent serves meanwhile): fuzz a
      // ready agent, so that every 5xx is a defect.
      AgentProcess.await(Duration.ofSeconds(120), () -> agent.get("/health/ready").statusCode()
          == 200, "ready once the cluster has joined");
      long t0 = System.nanoTime();
      for (int i = 0; i < HTTP_REQUESTS; i++) {
        http(agent, i);
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < RAW_CONNECTIONS; i++) {
        raw(agent, i);
      }
      long t2 = System.nanoTime();
      bridge(bridgePort);
      System.out.printf("fuzz took %.1f s HTTP, %.1f s raw, %.1f s bridge%n", (t1 - t0) / 1e9,
          (t2 - t1) / 1e9, (System.nanoTime() - t2) / 1e9);

      System.out.println("fuzz statuses " + statuses + "; " + model.size() + " idents hold"
          + " addresses");
      assertThat(fiveHundreds).as("5xx answers").isEmpty();
      assertThat(agent.get("/health/live").statusCode()).isEqualTo(200);
      assertThat(agent.get("/health/ready").statusCode()).isEqualTo(200);
      Map<String, Set<String>> held = held(agent);
      Map<String, Set<String>> expected = nonEmpty(model);
      if (!held.equals(expected)) {
        Set<String> differing = new java.util.TreeSet<>();
        held.forEach((k, v) -> differing.add(v.equals(expected.get(k)) ? "" : k));
        expected.forEach((k, v) -> differing.add(v.equals(held.get(k)) ? "" : k));
        differing.remove("");
        differing.forEach(k -> System.out.println("differs: " + k + " held " + held.get(k)
            + " model " + expected.get(k) + " history " + history.get(k)));
      }
      assertThat(held).as("state = what the successful requests did").isEqualTo(expected);
      assertThat(agent.log()).doesNotContain("ERROR").doesNotContain("internal error");
      assertThat(agent.isAlive()).isTrue();
    }
  }

  // ---- HTTP ----

  private void http(AgentProcess agent, int n) throws Exception {
    String method = pick("GET", "POST", "PUT", "DELETE", "GET", "POST", "DELETE", "PATCH",
        "HEAD", "OPTIONS");
    // Segments are percent-encoded so that the model knows what the agent decodes; paths that
    // are not valid URIs go through raw sockets below.
    String id = segment(ident());
    String address = segment(address());
    String prefix = segment(prefix());
    String path = switch (random.nextInt(14)) {
      case 0, 1, 2 -> "/ip/" + id;
      case 3, 4 -> "/ip/" + id + "/" + address + "/" + prefix;
      case 5 -> "/ip/" + id + "/" + address;
      case 6 -> "/ip";
      case 7 -> pick("/status", "/status/ipam", "/ipinfo/defaultsubnet", "/ring", "/metrics",
          "/health/live", "/health/ready");
      case 8 -> "/peer/zz" + segment(junk(1 + random.nextInt(20)));
      case 9 -> "/" + segment(junk(random.nextInt(60)));
      case 10 -> "/ip/" + segment(junk(1 + random.nextInt(40))) + "/"
          + segment(junk(random.nextInt(10)));
      case 11 -> "/ip/" + id + "/" + segment(junk(random.nextInt(20))) + "/"
          + segment(junk(random.nextInt(4)));
      case 12 -> "/ip/" + id + "?check-alive=" + pick("true", "false", "1", segment(junk(5)));
      default -> "/ip/" + id + "/" + address + "/" + prefix + "?noErrorOnUnknown="
          + pick("true", "x");
    };
    if ("/ring".equals(path) && !"GET".equals(method)) {
      path = "/status";
    }
    HttpRequest.BodyPublisher body = random.nextInt(10) == 0
        ? HttpRequest.BodyPublishers.ofByteArray(bytes(random.nextInt(40_000)))
        : HttpRequest.BodyPublishers.noBody();
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create("http://" + agent.httpAddr() + path))
          .method(method, body).timeout(Duration.ofSeconds(30)).build();
    } catch (IllegalArgumentException notAUri) {
      return; // the raw-socket part sends what java.net.URI refuses
    }
    HttpResponse<String> response;
    try {
      response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (java.net.http.HttpTimeoutException e) {
      throw new AssertionError("request " + n + " got no answer in 30 s: " + method + " " + path);
    }
    record(response.statusCode(), method + " " + path + " -> " + response.body());
    apply(method, path, response);
  }

  /** Records what a successful IPAM request did, in the terms of its answer. */
  private void apply(String method, String path, HttpResponse<String> response) {
    // The agent's router normalises "//" to "/" before it matches a route.
    String[] parts = path.split("\\?")[0].replaceAll("/+", "/").split("/", -1);
    if (parts.length < 3 || !"ip".equals(parts[1])) {
      return;
    }
    String id = decode(parts[2]);
    int status = response.statusCode();
    history.computeIfAbsent(id, k -> new ArrayList<>()).add(method + " " + path + " -> "
        + status + " " + response.body().strip());
    if ("POST".equals(method) && status == 200) {
      model.computeIfAbsent(id, k -> new HashSet<>()).add(bare(response.body().strip()));
    } else if ("PUT".equals(method) && status == 204) {
      model.computeIfAbsent(id, k -> new HashSet<>()).add(decode(parts[3]));
    } else if ("DELETE".equals(method) && status == 204 && parts.length == 3) {
      model.remove(id);
    } else if ("DELETE".equals(method) && status == 204 && parts.length == 4) {
      model.getOrDefault(id, new HashSet<>()).remove(bare(decode(parts[3])));
    }
  }

  // ---- malformed HTTP on a raw socket ----

  private void raw(AgentProcess agent, int n) throws IOException {
    String[] lines = {
        "GET\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        "POST /ip/x HTTP/1.1\r\nHost: a\r\nbroken header\r\n\r\n",
        "POST /ip/x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nnope\r\n",
        "GET /ip/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /ip HTTP/1.1\r\nHost: a\r\nX: " + "b".repeat(20_000) + "\r\n\r\n",
        "DELETE /ip/%00%ff HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /ip/x HTTP/1.1\r\nHost: a\r\nContent-Length: -5\r\n\r\n",
        "POST /ip/x HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999\r\n\r\nabc",
        "GET /ip/a b c HTTP/1.1\r\nHost: a\r\n\r\n",
        "PUT /ip/x/10.32.0.1/12 HTTP/1.0\r\n\r\n",
    };
    byte[] payload = random.nextInt(3) == 0 ? bytes(random.nextInt(3000))
        : lines[random.nextInt(lines.length)].getBytes(StandardCharsets.ISO_8859_1);
    String request = new String(payload, 0, Math.min(60, payload.length),
        StandardCharsets.ISO_8859_1);
    try (Socket socket = new Socket("127.0.0.1", agent.httpPort)) {
      socket.setSoTimeout(300);
      socket.getOutputStream().write(payload);
      socket.getOutputStream().flush();
      socket.shutdownOutput();
      String answer = new String(socket.getInputStream().readNBytes(4096),
          StandardCharsets.ISO_8859_1);
      if (answer.startsWith("HTTP/1.")) {
        int status = Integer.parseInt(answer.substring(9, 12));
        record(status, "raw " + request.replaceAll("[\\r\\n]", " ") + " -> " + answer);
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4).strip();
        if (request.startsWith("PUT /ip/x/10.32.0.1/12") && status == 204) {
          model.computeIfAbsent("x", k -> new HashSet<>()).add("10.32.0.1");
        } else if (request.startsWith("POST /ip/x ") && status == 200) {
          model.computeIfAbsent("x", k -> new HashSet<>()).add(bare(body));
        }
      }
    } catch (SocketTimeoutException | java.net.SocketException closed) {
      // the agent may wait for more bytes or drop the connection: both are fine
    }
  }

  // ---- bridge frames ----

  private void bridge(int port) throws Exception {
    Socket socket = null;
    DataInputStream in = null;
    DataOutputStream out = null;
    int sentinel = 0;
    for (int i = 0; i < BRIDGE_FRAMES; i++) {
      if (socket == null) {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
      }
      int kind = random.nextInt(20);
      if (kind == 0) {
        // A length the agent must refuse: too long, or negative. It closes the connection.
        out.writeInt(random.nextBoolean() ? 0x7fffffff : -random.nextInt(1000) - 1);
        out.flush();
        JsonObject err = readFrame(in);
        assertThat(err.getString("message")).startsWith("frame_too_large");
        assertThat(in.read()).as("connection closed").isEqualTo(-1);
        socket.close();
        socket = null;
        continue;
      }
      JsonObject request = null;
      if (kind == 1) {
        byte[] junk = bytes(random.nextInt(200));
        out.writeInt(junk.length);
        out.write(junk);
      } else {
        request = frame(i);
        writeFrame(out, request);
      }
      // Synchronise: every answer before the sentinel's belongs to this frame. A frame that
      // gets no answer (publish, or send without replyAddress) may still change what its ident
      // holds: the sentinel looks that ident up, and the model takes what the agent says.
      // The sentinel is a delete: answers wait for the store in order, so every answer to
      // this frame comes before the sentinel's.
      String silent = silentIdent(request);
      String mark = "sentinel-" + sentinel++;
      writeFrame(out, new JsonObject().put("type", "send").put("address", "weft.ipam")
          .put("replyAddress", mark).put("body", new JsonObject().put("op", "delete")
              .put("id", "sentinel")));
      for (JsonObject answer = readFrame(in); !mark.equals(answer.getString("address"));
          answer = readFrame(in)) {
        judge(request, answer);
      }
      if (silent != null) {
        writeFrame(out, new JsonObject().put("type", "send").put("address", "weft.ipam")
            .put("replyAddress", mark).put("body", new JsonObject().put("op", "lookup")
                .put("id", silent)));
        JsonObject answer = readFrame(in);
        while (!mark.equals(answer.getString("address"))) {
          answer = readFrame(in); // events, when this connection registered for them
        }
        if ("message".equals(answer.getString("type"))) {
          Set<String> now = new HashSet<>();
          answer.getJsonObject("body").getJsonArray("addresses")
              .forEach(a -> now.add(bare(String.valueOf(a))));
          model.put(silent, now);
          history.computeIfAbsent(silent, k -> new ArrayList<>()).add("silent " + request
              + " then holds " + now);
        }
      }
    }
    if (socket != null) {
      socket.close();
    }
  }

  private static String silentIdent(JsonObject request) {
    if (request == null || !(request.getValue("body") instanceof JsonObject body)
        || !(body.getValue("id") instanceof String id)) {
      return null;
    }
    boolean answered = "send".equals(request.getValue("type"))
        && request.getValue("replyAddress") instanceof String;
    return answered ? null : id;
  }

  private JsonObject frame(int n) {
    String type = pick("send", "send", "send", "send", "publish", "register", "unregister",
        "ping", junk(5));
    String address = pick("weft.ipam", "weft.ipam", "weft.ipam", "weft.events", "weft.gossip",
        "weft.peer.x", "weft.containers", junk(8));
    JsonObject frame = new JsonObject().put("type", type).put("address", address);
    if (random.nextInt(10) > 0) {
      frame.put("replyAddress", "r" + n);
    }
    if (random.nextInt(10) == 0) {
      frame.put("body", value());
    } else {
      String op = pick("allocate", "claim", "lookup", "free", "delete", "status", "consense",
          "owned", "status-ipam", "cancel", "ring", "rmpeer", junk(6));
      JsonObject body = new JsonObject().put("op", op);
      if (random.nextInt(4) > 0) {
        body.put("id", random.nextInt(5) == 0 ? value() : ident());
      }
      if (random.nextBoolean()) {
        body.put(pick("subnet", "address", "peer", "token", "checkAlive", "force"),
            random.nextInt(3) == 0 ? value() : address() + "/" + prefix());
      }
      if ("rmpeer".equals(op)) {
        body.put("peer", "zz" + junk(6));
      }
      frame.put("body", body);
    }
    return frame;
  }

  private void judge(JsonObject request, JsonObject answer) {
    if ("weft.events".equals(answer.getString("address"))) {
      assertThat(answer.getJsonObject("body").getString("type")).isNotNull();
      return;
    }
    Integer code = answer.getInteger("failureCode");
    if ("err".equals(answer.getString("type"))) {
      record(code == null ? 400 : code, "bridge " + request + " -> " + answer);
      return;
    }
    record(200, "bridge");
    JsonObject body = answer.getValue("body") instanceof JsonObject b ? b : new JsonObject();
    JsonObject asked = request != null && request.getValue("body") instanceof JsonObject b2
        ? b2 : null;
    if (asked == null || !(asked.getValue("id") instanceof String id)) {
      return;
    }
    history.computeIfAbsent(id, k -> new ArrayList<>()).add("bridge " + request + " -> "
        + answer);
    String op = asked.getString("op");
    if (("allocate".equals(op) || "claim".equals(op)) && body.getString("address") != null) {
      model.computeIfAbsent(id, k -> new HashSet<>()).add(bare(body.getString("address")));
    }
    if (("free".equals(op) || "delete".equals(op)) && body.getJsonArray("freed") != null) {
      body.getJsonArray("freed").forEach(a -> model.getOrDefault(id, new HashSet<>())
          .remove(bare(String.valueOf(a))));
    }
  }

  // ---- checks ----

  private void record(int status, String what) {
    statuses.merge(status, 1, Integer::sum);
    if (status >= 500) {
      fiveHundreds.add(status + ": " + what);
    }
  }

  private static Map<String, Set<String>> held(AgentProcess agent) {
    JsonArray owned = new JsonObject(agent.get("/ip").body()).getJsonArray("owned");
    Map<String, Set<String>> held = new TreeMap<>();
    for (int i = 0; i < owned.size(); i++) {
      JsonObject entry = owned.getJsonObject(i);
      if ("sentinel".equals(entry.getString("containerid"))) {
        continue;
      }
      Set<String> addresses = new HashSet<>();
      entry.getJsonArray("addrs").forEach(a -> addresses.add(bare(String.valueOf(a))));
      held.put(entry.getString("containerid"), addresses);
    }
    return held;
  }

  private static Map<String, Set<String>> nonEmpty(Map<String, Set<String>> model) {
    Map<String, Set<String>> copy = new TreeMap<>();
    model.forEach((id, addresses) -> {
      if (!addresses.isEmpty()) {
        copy.put(id, addresses);
      }
    });
    return copy;
  }

  // ---- random material ----

  private String ident() {
    String id = switch (random.nextInt(8)) {
      case 0 -> pick("c1", "c2", "c3", "weave:expose", "a.b-c_d");
      case 1 -> Long.toHexString(random.nextLong() | Long.MIN_VALUE).substring(0, 12);
      case 2 -> junk(1 + random.nextInt(140));
      case 3 -> pick("", " ", "..", "-x", "a/b", "%2e%2e", "é", "x".repeat(129));
      default -> "c" + random.nextInt(40);
    };
    return "_".equals(id) ? "c0" : id;
  }

  private String address() {
    return switch (random.nextInt(6)) {
      case 0 -> "10.32." + random.nextInt(256) + "." + random.nextInt(256);
      case 1 -> "10.32.0." + random.nextInt(8);
      case 2 -> random.nextInt(300) + "." + random.nextInt(300) + ".0.0";
      case 3 -> junk(random.nextInt(12));
      case 4 -> "10.32.0.0";
      default -> "192.168.1." + random.nextInt(256);
    };
  }

  private String prefix() {
    return pick("12", "24", "28", "30", "32", "0", "33", "-1", "x", "16", "8");
  }

  private Object value() {
    return switch (random.nextInt(7)) {
      case 0 -> random.nextLong();
      case 1 -> new JsonArray().add(1).add("a");
      case 2 -> new JsonObject().put("nested", junk(4));
      case 3 -> random.nextBoolean();
      case 4 -> junk(random.nextInt(300));
      case 5 -> 3.5;
      default -> "";
    };
  }

  private String junk(int length) {
    String alphabet = "abcdefABCDEF0123456789:._-/%?#&=+ é\u0000\u00ff{}[]\"'\\";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  private byte[] bytes(int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return b;
  }

  private String pick(String... options) {
    return options[random.nextInt(options.length)];
  }

  private static String segment(String raw) {
    return java.net.URLEncoder.encode(raw, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String decode(String segment) {
    return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String bare(String address) {
    int slash = address.indexOf('/');
    return slash < 0 ? address : address.substring(0, slash);
  }

  private static void writeFrame(DataOutputStream out, JsonObject frame) throws IOException {
    byte[] data = frame.encode().getBytes(StandardCharsets.UTF_8);
    out.write(java.nio.ByteBuffer.allocate(4 + data.length).putInt(data.length).put(data)
        .array());
    out.flush();
  }

  private static JsonObject readFrame(DataInputStream in) throws IOException {
    int length = in.readInt();
    byte[] data = new byte[length];
    in.readFully(data);
    return new JsonObject(new String(data, StandardCharsets.UTF_8));
  }
}
