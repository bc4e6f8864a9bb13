package io.weft.it;

import io.weft.it.nemesis.Client;
import io.weft.it.nemesis.Fault;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * Applies one fault at a time to the hosts, each healed before the next, and records it.
 * Partitions: one host cut off, a minority and a majority, two halves joined only through one
 * bridge host, a ring where each host reaches only its two neighbours. Processes: kill -9 and
 * restart on the same disk, SIGSTOP for longer than Hazelcast's failure timeout (about 10 s),
 * and a restart on an empty disk whose old peer is then removed with rmpeer, as the README says:
 * once it is gone for good, from one peer, with the others up and connected.
 */
final class Nemesis {
  private final NemesisHosts hosts;
  private final List<Fault> faults;
  private final List<Client> clients;
  private final LongSupplier clock;

  Nemesis(NemesisHosts hosts, List<Fault> faults, List<Client> clients, LongSupplier clock) {
    this.hosts = hosts;
    this.faults = faults;
    this.clients = clients;
    this.clock = clock;
  }

  void random(Random random) throws Exception {
    List<Integer> order = new ArrayList<>();
    for (int i = 1; i <= hosts.count; i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    long hold = 8_000 + random.nextInt(10_000);
    switch (random.nextInt(7)) {
      case 0 -> partition(Fault.Kind.PARTITION_ONE, order, 1, hold);
      case 1 -> partition(Fault.Kind.PARTITION_HALVES, order, hosts.count / 2, hold);
      case 2 -> bridge(order, hold);
      case 3 -> ring(order, hold);
      case 4 -> kill(order.get(0), 1_000 + random.nextInt(5_000));
      case 5 -> pause(order.get(0), 12_000 + random.nextInt(8_000));
      default -> loseDisk(order.get(0));
    }
  }

  /** The first {@code minority} hosts of {@code order} on one side, the rest on the other. */
  private void partition(Fault.Kind kind, List<Integer> order, int minority, long hold)
      throws Exception {
    long start = clock.getAsLong();
    List<Integer> small = order.subList(0, minority);
    List<Integer> big = order.subList(minority, order.size());
    for (int a : small) {
      for (int b : big) {
        hosts.cut(a, b);
      }
    }
    Thread.sleep(hold);
    hosts.healAll();
    faults.add(new Fault(kind, List.copyOf(small), small + " | " + big, start,
        clock.getAsLong()));
  }

  /** Two halves that cannot reach each other, and one host that reaches both. */
  private void bridge(List<Integer> order, long hold) throws Exception {
    long start = clock.getAsLong();
    int middle = order.get(0);
    List<Integer> rest = order.subList(1, order.size());
    List<Integer> left = rest.subList(0, rest.size() / 2);
    List<Integer> right = rest.subList(rest.size() / 2, rest.size());
    for (int a : left) {
      for (int b : right) {
        hosts.cut(a, b);
      }
    }
    Thread.sleep(hold);
    hosts.healAll();
    faults.add(new Fault(Fault.Kind.PARTITION_BRIDGE, List.of(middle), left + " | " + right
        + ", bridged by " + middle, start, clock.getAsLong()));
  }

  /** Each host reaches only its neighbours in {@code order}, taken as a circle. */
  private void ring(List<Integer> order, long hold) throws Exception {
    long start = clock.getAsLong();
    int n = order.size();
    for (int x = 0; x < n; x++) {
      for (int y = x + 2; y < n; y++) {
        if (!(x == 0 && y == n - 1)) {
          hosts.cut(order.get(x), order.get(y));
        }
      }
    }
    Thread.sleep(hold);
    hosts.healAll();
    faults.add(new Fault(Fault.Kind.PARTITION_RING, List.copyOf(order), "circle " + order, start,
        clock.getAsLong()));
  }

  void kill(int host, long down) throws Exception {
    long start = clock.getAsLong();
    hosts.kill(host);
    Thread.sleep(down);
    hosts.start(host);
    awaitLive(host);
    faults.add(new Fault(Fault.Kind.KILL, List.of(host), "kill -9 h" + host + ", down "
        + down + " ms, restarted on the same disk", start, clock.getAsLong()));
  }

  private void pause(int host, long paused) throws Exception {
    long start = clock.getAsLong();
    hosts.signal(host, "STOP");
    Thread.sleep(paused);
    hosts.signal(host, "CONT");
    faults.add(new Fault(Fault.Kind.PAUSE, List.of(host), "SIGSTOP h" + host + " for " + paused
        + " ms", start, clock.getAsLong()));
  }

  private void loseDisk(int host) throws Exception {
    long start = clock.getAsLong();
    String old = hosts.name(host);
    hosts.kill(host);
    clients.get(host - 1).forgetAll();
    int other = host % hosts.count + 1;
    // rmpeer only once the others see it gone (it refuses a reachable peer anyway).
    AgentProcess.await(Duration.ofSeconds(180), () -> hosts.reachable(other) == hosts.count - 1,
        "h" + other + " to see h" + host + " gone");
    hosts.loseDisk(host);
    // Recorded now: should the harness give up below, the disk is lost all the same.
    faults.add(new Fault(Fault.Kind.LOSE_DISK, List.of(host), "h" + host + " restarted on an"
        + " empty disk; rmpeer " + old + " not run yet", start, clock.getAsLong()));
    hosts.start(host);
    awaitLive(host);
    AgentProcess.await(Duration.ofSeconds(300), () -> {
      for (int i = 1; i <= hosts.count; i++) {
        if (hosts.reachable(i) < hosts.count) {
          return false;
        }
      }
      return true;
    }, "all hosts connected before rmpeer");
    HttpResponse<String> r = hosts.http(other, "DELETE", "/peer/" + old);
    faults.remove(faults.size() - 1);
    faults.add(new Fault(Fault.Kind.LOSE_DISK, List.of(host), "h" + host + " restarted on an"
        + " empty disk; rmpeer " + old + " from h" + other + ": " + r.statusCode() + " "
        + r.body().strip(), start, clock.getAsLong()));
    if (r.statusCode() != 200) {
      throw new AssertionError("rmpeer " + old + " answered " + r.statusCode() + ": " + r.body());
    }
  }

  /**
   * Fills host {@code host}'s data directory (made small with {@code NemesisHosts.smallDisk})
   * for {@code full} ms, then empties it: meanwhile the agent must refuse changes (503) rather
   * than stop or answer what it could not save, and carry on by itself afterwards.
   */
  void fillDisk(int host, long full) throws Exception {
    long start = clock.getAsLong();
    Path filler = hosts.dataDir(host).resolve("nemesis-filler");
    io.weft.testing.SmallDisk.fill(filler);
    Thread.sleep(full);
    Files.delete(filler);
    AgentProcess.await(Duration.ofSeconds(120), () -> hosts.http(host, "GET", "/health/ready")
        .statusCode() == 200, "h" + host + " ready again once its disk has space");
    faults.add(new Fault(Fault.Kind.DISK_FULL, List.of(host), "h" + host + "'s data directory"
        + " full for " + full + " ms", start, clock.getAsLong()));
  }

  private void awaitLive(int host) {
    try {
      AgentProcess.await(Duration.ofSeconds(240), () -> hosts.http(host, "GET", "/health/live")
          .statusCode() == 200, "h" + host + " live again");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; the end of its log:\n"
          + hosts.logTail(host, 40), e);
    }
  }
}
