package io.weft.it.nemesis;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * One client on one host: allocates, claims, frees and deletes through that host's HTTP API, one
 * request at a time, with idents no other client uses, and records every request in the shared
 * history. Claims ask again for an address this client freed before, which another ident may hold
 * by now (the agent must then refuse).
 */
public final class Client implements Runnable {
  /** A request the agent has not answered in this long is UNKNOWN. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String PREFIX = "/12";

  private final int host;
  private final String base;
  private final SplittableRandom random;
  private final List<Op> history;
  private final LongSupplier clock;
  /**
   * HTTP/1.1, as Weave's clients (Docker plugin, CNI, curl) speak it. Java's default h2c upgrade
   * hits a vertx-micrometer NullPointerException when a stream is closed before its request
   * metric exists (logged as ERROR by Netty, found by seed 909); that is the library's bug.
   */
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(3)).build();
  /** ident to the addresses this client believes it holds. */
  private final Map<String, List<String>> held = new ConcurrentHashMap<>();
  private final List<String> freed = new ArrayList<>();
  private volatile boolean stopped;
  private int next;

  public Client(int host, String base, long seed, List<Op> history, LongSupplier clock) {
    this.host = host;
    this.base = base;
    this.random = new SplittableRandom(seed * 31 + host);
    this.history = history;
    this.clock = clock;
  }

  public void stop() {
    stopped = true;
  }

  /** The host lost its disk: nothing this client held there is held any more. */
  public void forgetAll() {
    held.clear();
  }

  @Override
  public void run() {
    while (!stopped) {
      try {
        step();
        Thread.sleep(50 + random.nextInt(150));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void step() {
    int roll = random.nextInt(100);
    List<String> idents = new ArrayList<>(held.keySet());
    if (idents.isEmpty() || (roll < 50 && held.size() < 150)) {
      String ident = "h" + host + "-" + next++;
      Op op = call(Op.Kind.ALLOCATE, ident, null, "POST", "/ip/" + ident);
      if (op.outcome() == Op.Outcome.OK) {
        held.computeIfAbsent(ident, i -> new ArrayList<>()).add(op.address());
      }
    } else if (roll < 62 && !freed.isEmpty()) {
      String ident = "h" + host + "-" + next++;
      String addr = freed.remove(random.nextInt(freed.size()));
      Op op = call(Op.Kind.CLAIM, ident, addr, "PUT", "/ip/" + ident + "/" + addr + PREFIX);
      if (op.outcome() == Op.Outcome.OK) {
        held.computeIfAbsent(ident, i -> new ArrayList<>()).add(addr);
      }
    } else {
      String ident = idents.get(random.nextInt(idents.size()));
      List<String> addrs = held.remove(ident);
      boolean one = roll < 82 && addrs != null && !addrs.isEmpty();
      Op op = one
          ? call(Op.Kind.FREE, ident, addrs.get(0), "DELETE", "/ip/" + ident + "/" + addrs.get(0))
          : call(Op.Kind.DELETE, ident, null, "DELETE", "/ip/" + ident);
      if (op.outcome() == Op.Outcome.OK && addrs != null) {
        freed.addAll(addrs);
        while (freed.size() > 50) {
          freed.remove(0);
        }
      }
    }
  }

  private Op call(Op.Kind kind, String ident, String addr, String method, String path) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).timeout(TIMEOUT).build();
    long invoked = clock.getAsLong();
    Op.Outcome outcome;
    String detail;
    String address = addr;
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      detail = r.statusCode() + " " + r.body().strip().replace('\n', ' ');
      if (r.statusCode() / 100 == 2) {
        outcome = Op.Outcome.OK;
        if (kind == Op.Kind.ALLOCATE) {
          address = r.body().strip().split("/")[0];
        }
      } else {
        // 4xx: refused, no effect. 5xx: the agent may have been part way through.
        outcome = r.statusCode() / 100 == 4 ? Op.Outcome.FAILED : Op.Outcome.UNKNOWN;
      }
    } catch (ConnectException e) {
      outcome = Op.Outcome.FAILED;
      detail = "not connected: " + e.getMessage();
    } catch (HttpTimeoutException e) {
      outcome = Op.Outcome.UNKNOWN;
      detail = "timed out";
    } catch (IOException e) {
      outcome = Op.Outcome.UNKNOWN;
      detail = "cut off: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      outcome = Op.Outcome.UNKNOWN;
      detail = "interrupted";
    }
    Op op = new Op(host, kind, ident, address, invoked, clock.getAsLong(), outcome, detail);
    history.add(op);
    return op;
  }
}
