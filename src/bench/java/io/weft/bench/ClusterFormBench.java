package io.weft.bench;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.weft.agent.cluster.ClusterSettings;
import io.weft.agent.cluster.HazelcastMember;
import io.weft.agent.cluster.HazelcastSettings;
import io.weft.net.HostPort;
import io.weft.testing.FreePorts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * How long three fresh Hazelcast members started together take to become one cluster of three
 * with one master: joined as an agent joins them ({@link HazelcastMember}, weft's joiner), and
 * by Hazelcast's own TCP-IP joiner with the same settings, in alternating rounds in one warm JVM.
 * One JVM, so that the figure is the join's own waiting, as on three hosts, and not three JVMs
 * starting on one host's cores (which {@code StartupBench}'s "3 launches at once" measures).
 * Run after {@code mvn package}: {@code mvn -q -Pbench test-compile exec:exec
 * -Dbench.main=io.weft.bench.ClusterFormBench -Djmh.args="10"} (rounds per joiner).
 */
public final class ClusterFormBench {
  private ClusterFormBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    System.out.printf("load average before: %s%n", BenchFiles.loadAverage());
    Function<Config, HazelcastInstance> weft = HazelcastMember::start;
    Function<Config, HazelcastInstance> hazelcast = Hazelcast::newHazelcastInstance;
    for (int i = 0; i < 2; i++) { // warm-up: class loading and the JIT, not counted
      form(weft);
      form(hazelcast);
    }
    long[] withWeft = new long[rounds];
    long[] withHazelcast = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      withWeft[i] = form(weft);
      withHazelcast[i] = form(hazelcast);
    }
    System.out.printf("load average after: %s%n", BenchFiles.loadAverage());
    report("weft's joiner (HazelcastMember)    ", withWeft);
    report("Hazelcast's TCP-IP joiner (its own)", withHazelcast);
    System.exit(0);
  }

  /** Starts three members together; ms until each lists all three under the same master. */
  private static long form(Function<Config, HazelcastInstance> start) throws Exception {
    String name = "form-bench-" + System.nanoTime();
    int[] ports = {FreePorts.next(), FreePorts.next(), FreePorts.next()};
    List<CompletableFuture<HazelcastInstance>> starting = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int own : ports) {
      List<HostPort> peers = new ArrayList<>();
      for (int port : ports) {
        if (port != own) {
          peers.add(new HostPort("127.0.0.1", port));
        }
      }
      Config config = HazelcastSettings.create(
          new ClusterSettings(name, Optional.of("127.0.0.1"), own, peers));
      starting.add(CompletableFuture.supplyAsync(() -> start.apply(config)));
    }
    List<HazelcastInstance> members = new ArrayList<>();
    try {
      for (CompletableFuture<HazelcastInstance> member : starting) {
        members.add(member.get(120, TimeUnit.SECONDS));
      }
      while (!oneCluster(members)) {
        Thread.sleep(5);
        if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(120)) {
          throw new IllegalStateException("three members did not form one cluster in 120 s");
        }
      }
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    } finally {
      members.forEach(m -> m.getLifecycleService().terminate());
    }
  }

  private static boolean oneCluster(List<HazelcastInstance> members) {
    return members.stream().allMatch(m -> m.getCluster().getMembers().size() == 3)
        && members.stream().map(m -> m.getCluster().getMembers().iterator().next().getUuid())
            .distinct().count() == 1;
  }

  private static void report(String what, long[] ms) {
    long[] sorted = ms.clone();
    Arrays.sort(sorted);
    System.out.printf("%s: median %d ms (min %d, max %d) over %d rounds%n", what,
        sorted[sorted.length / 2], sorted[0], sorted[sorted.length - 1], sorted.length);
  }
}
