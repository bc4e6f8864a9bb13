package io.weft.bench;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.weft.agent.Agent;
import io.weft.agent.AgentOptions;
import io.weft.net.Cidr;
import io.weft.net.HostPort;
import io.weft.testing.FreePorts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Durable allocations per second through the event-bus API of one embedded agent (a reply
 * means the allocation is committed to SQLite), with 1, 8 and 64 requests in flight, and the raw
 * fsync cost of the disk for comparison, after 20 s of warm-up at 64 in flight. Run: {@code mvn -q -Pbench test-compile exec:exec
 * -Dbench.main=io.weft.bench.DurableAllocationBench -Djmh.args=20000}.
 */
public final class DurableAllocationBench {
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final long WARM_UP_NS = 20_000_000_000L;

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    Path dir = Files.createTempDirectory("weft-bench");
    System.out.printf("fsync of a 4 KiB write in %s: %s%n", dir, fsync(dir, 200));
    // A /8: the warm-up and the runs keep what they allocate, over a million addresses at 50k/s.
    Agent agent = Agent.start(new AgentOptions(1, false, Cidr.parse("10.0.0.0/8"),
        Cidr.parse("10.0.0.0/8"), Optional.empty(), "bench", dir.resolve("data"),
        new HostPort("127.0.0.1", FreePorts.next()), Optional.of("127.0.0.1"), FreePorts.next(),
        FreePorts.next(),
        Optional.empty(), Optional.empty(), Duration.ofSeconds(30), "bench-" + System.nanoTime(),
        List.of()));
    try {
      // Until the JIT has compiled the request path (its compiler threads are busy for the
      // first ~20 s of load and share the two cores with the agent): measured runs come after.
      long warmUntil = System.nanoTime() + WARM_UP_NS;
      for (int round = 0; System.nanoTime() < warmUntil; round++) {
        run(agent.vertx(), "warm" + round, 10_000, 64);
      }
      for (int inFlight : new int[] {1, 8, 64}) {
        run(agent.vertx(), "run" + inFlight, count, inFlight);
      }
    } finally {
      agent.close();
      BenchFiles.deleteTree(dir);
    }
  }

  static void run(Vertx vertx, String prefix, int count, int inFlight) throws InterruptedException {
    long[] latencyNs = new long[count];
    AtomicInteger issued = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(count);
    long start = System.nanoTime();
    for (int i = 0; i < inFlight; i++) {
      vertx.runOnContext(v -> next(vertx, prefix, issued, count, latencyNs, done));
    }
    done.await();
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(latencyNs);
    if (!prefix.startsWith("warm")) {
      System.out.printf("%2d in flight: %,.0f durable allocations/s, p50 %.2f ms, p99 %.2f ms%n",
          inFlight, count / seconds, latencyNs[count / 2] / 1e6, latencyNs[count * 99 / 100] / 1e6);
    }
  }

  private static void next(Vertx vertx, String prefix, AtomicInteger issued, int count,
      long[] latencyNs, CountDownLatch done) {
    int i = issued.getAndIncrement();
    if (i >= count) {
      return;
    }
    long sent = System.nanoTime();
    vertx.eventBus().<JsonObject>request("weft.ipam",
        new JsonObject().put("op", "allocate").put("id", prefix + "-" + i), LOCAL)
        .onComplete(ar -> {
          if (ar.failed()) {
            throw new IllegalStateException("allocation failed: " + ar.cause());
          }
          latencyNs[i] = System.nanoTime() - sent;
          done.countDown();
          next(vertx, prefix, issued, count, latencyNs, done);
        });
  }

  static String fsync(Path dir, int times) throws IOException {
    Path file = dir.resolve("fsync.probe");
    long[] ns = new long[times];
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      ByteBuffer block = ByteBuffer.allocate(4096);
      for (int i = 0; i < times; i++) {
        block.clear();
        long t = System.nanoTime();
        channel.write(block, (long) i * 4096);
        channel.force(true);
        ns[i] = System.nanoTime() - t;
      }
    }
    Files.delete(file);
    Arrays.sort(ns);
    return String.format("p50 %.3f ms, p99 %.3f ms (%d samples)", ns[times / 2] / 1e6,
        ns[times * 99 / 100] / 1e6, times);
  }

}
