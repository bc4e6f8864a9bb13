package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.it.nemesis.Anomaly;
import io.weft.it.nemesis.Checker;
import io.weft.it.nemesis.Client;
import io.weft.it.nemesis.Fault;
import io.weft.it.nemesis.FinalState;
import io.weft.it.nemesis.Op;
import io.weft.it.nemesis.Report;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real agents under random faults chosen by a printed seed, clients on every host, and the
 * {@link Checker} over the history and the final state. The short run (defaults) is part of
 * {@code mvn verify} (seed 693218 unless {@code -Dweft.nemesis.seed=N|random} says otherwise); a
 * soak: {@code -Dweft.nemesis.seconds=300 -Dweft.nemesis.seed=N
 * -Dweft.nemesis.hosts=5}. The report goes to {@code target/nemesis/<seed>/}. Needs root,
 * iproute2 and iptables; skipped, with the reason, elsewhere.
 */
class NemesisIT {
  static final Duration RING_BOUND = Duration.ofSeconds(180);
  @TempDir Path dir;

  private long started;
  private final List<Op> history = Collections.synchronizedList(new ArrayList<>());
  private final List<Fault> faults = new ArrayList<>();
  private final List<Client> clients = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  long now() {
    return System.nanoTime() - started;
  }

  @Test
  void randomFaultsLeaveNoAnomaly() throws Exception {
    // The short run of mvn verify replays the seed that found a stuck cluster layer (a ring of
    // cuts, then a pause; see the README); "random" picks a new one.
    String asked = System.getProperty("weft.nemesis.seed", "693218");
    long seed = asked.equals("random") ? System.nanoTime() % 1_000_000 : Long.parseLong(asked);
    long seconds = Long.getLong("weft.nemesis.seconds", 75);
    int count = Integer.getInteger("weft.nemesis.hosts", 5);
    System.out.printf("nemesis: seed %d, %d s, %d hosts (replay with -Dweft.nemesis.seed=%d)%n",
        seed, seconds, count, seed);
    try (NemesisHosts hosts = new NemesisHosts(count, dir, null)) {
      hosts.network();
      Random random = new Random(seed);
      List<Anomaly> anomalies = run(hosts, Long.toString(seed), seed, seconds, nemesis -> {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        do {
          Thread.sleep(3_000 + random.nextInt(4_000));
          nemesis.random(random);
          hosts.noteExits(now());
        } while (System.nanoTime() < end);
        Thread.sleep(5_000);
      });
      assertThat(anomalies).as("anomalies of seed %d (report in target/nemesis/%d)", seed, seed)
          .isEmpty();
    }
  }

  /** The broken variant: agents that answer without storing lose answers to a kill -9. */
  @Test
  void anAgentThatAnswersBeforeStoringIsCaught() throws Exception {
    long seed = 17;
    try (NemesisHosts hosts = new NemesisHosts(3, dir, "skip-store")) {
      hosts.network();
      List<Anomaly> anomalies = run(hosts, "broken-" + seed, seed, 0, nemesis -> {
        Thread.sleep(10_000);
        nemesis.kill(1, 3_000);
        Thread.sleep(5_000);
      });
      assertThat(anomalies).extracting(Anomaly::kind).contains(Anomaly.Kind.LOST);
    }
  }

  /**
   * A full disk: host 2's data directory, a small tmpfs, filled for 10 s under the clients' load
   * and emptied. Host 2 must hold or refuse changes meanwhile (never answer what it could not
   * save), never stop, lose nothing it answered, and allocate again by itself after.
   */
  @Test
  void aFullDiskLosesNothingAndTheAgentCarriesOnBySelf() throws Exception {
    long seed = 23;
    try (NemesisHosts hosts = new NemesisHosts(3, dir, null)) {
      hosts.network();
      hosts.smallDisk(2, "16m");
      List<Anomaly> anomalies = run(hosts, "disk-full-" + seed, seed, 0, nemesis -> {
        Thread.sleep(8_000);
        nemesis.fillDisk(2, 10_000);
        Thread.sleep(8_000);
      });
      assertThat(anomalies).as("anomalies (report in target/nemesis/disk-full-%d)", seed)
          .isEmpty();
      Fault full = faults.stream().filter(f -> f.kind() == Fault.Kind.DISK_FULL).findFirst()
          .orElseThrow();
      // The client on h2 is sequential: its request caught in the transaction that hit the full
      // disk waits (unanswered) until there is space, so it may never see a 503 itself; the log
      // says the fault bit and passed.
      String log = Files.readString(hosts.log(2));
      assertThat(log).as("h2 noticed its full disk and then wrote what waited")
          .contains("the disk is full").contains("the data directory has space again");
      List<Op> onHost2 = history.stream().filter(o -> o.host() == 2).toList();
      assertThat(onHost2).as("allocations answered on h2 after its disk had space again")
          .anyMatch(o -> o.invoked() > full.end() && o.kind() == Op.Kind.ALLOCATE
              && o.outcome() == Op.Outcome.OK);
    }
  }

  /** What the nemesis does between the clients' start and the final heal. */
  interface Plan {
    void apply(Nemesis nemesis) throws Exception;
  }

  /**
   * Starts the agents, the clients and the faults of {@code plan}, heals, checks, and writes
   * the report to {@code target/nemesis/<name>}.
   */
  private List<Anomaly> run(NemesisHosts hosts, String name, long seed, long seconds, Plan plan)
      throws Exception {
    started = System.nanoTime();
    for (int i = 1; i <= hosts.count; i++) {
      hosts.start(i);
    }
    // Generous: on a loaded 2-core machine five JVMs take minutes to start.
    awaitCluster(hosts, Duration.ofSeconds(360));
    // Time 0 of the history and the picture: the cluster is up, the ring not yet seeded.
    started = System.nanoTime();
    AgentProcess.await(Duration.ofSeconds(180), () -> hosts.http(1, "POST", "/ip/first")
        .statusCode() == 200, "consensus");
    history.add(new Op(1, Op.Kind.ALLOCATE, "first", hosts.http(1, "GET", "/ip/first").body()
        .split("/")[0], 0, now(), Op.Outcome.OK, "seeding the ring"));
    for (int i = 1; i <= hosts.count; i++) {
      Client c = new Client(i, hosts.base(i), seed, history, this::now);
      clients.add(c);
      Thread t = new Thread(c, "nemesis-client-h" + i);
      threads.add(t);
      t.start();
    }
    Nemesis nemesis = new Nemesis(hosts, faults, clients, this::now);
    // The harness itself may give up (an agent that never comes back): the report is still
    // written, then the failure is thrown.
    Throwable harness = null;
    try {
      plan.apply(nemesis);
    } catch (Exception | AssertionError e) {
      harness = e;
      hosts.reviveAll();
    }
    clients.forEach(Client::stop);
    for (Thread t : threads) {
      t.join(Duration.ofSeconds(30).toMillis());
    }
    hosts.healAll();
    hosts.noteExits(now());
    long healed = System.nanoTime();
    boolean converged = converge(hosts);
    long convergedMs = (System.nanoTime() - healed) / 1_000_000;
    FinalState end = finalState(hosts, converged, convergedMs);
    List<Anomaly> anomalies = new Checker().check(history, faults, end);
    Path out = Path.of("target", "nemesis", name);
    String report = Report.write(out, seed, seconds, history, faults, end, anomalies);
    for (int i = 1; i <= hosts.count; i++) {
      if (Files.exists(hosts.log(i))) {
        Files.copy(hosts.log(i), out.resolve("h" + i + ".log"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    System.out.println(report);
    if (harness != null) {
      throw new AssertionError("the nemesis gave up (report in " + out + ")", harness);
    }
    return anomalies;
  }

  private static void awaitCluster(NemesisHosts hosts, Duration timeout) {
    AgentProcess.await(timeout, () -> {
      for (int i = 1; i <= hosts.count; i++) {
        if (hosts.reachable(i) != hosts.count) {
          return false;
        }
      }
      return true;
    }, hosts.count + " hosts in one cluster");
  }

  private static boolean converge(NemesisHosts hosts) throws InterruptedException {
    long deadline = System.nanoTime() + RING_BOUND.toNanos();
    while (System.nanoTime() < deadline) {
      String shape = hosts.ringShape(1);
      boolean same = !shape.startsWith("none");
      for (int i = 1; i <= hosts.count && same; i++) {
        same = hosts.reachable(i) == hosts.count && hosts.ringShape(i).equals(shape);
      }
      if (same) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  private FinalState finalState(NemesisHosts hosts, boolean converged, long ms) throws Exception {
    Map<Integer, Map<String, Set<String>>> owned = new HashMap<>();
    Set<String> owners = new TreeSet<>();
    Set<String> live = new TreeSet<>();
    for (int i = 1; i <= hosts.count; i++) {
      Map<String, Set<String>> idents = new HashMap<>();
      for (Object o : hosts.json(i, "/ip").getJsonArray("owned", new io.vertx.core.json.JsonArray())) {
        io.vertx.core.json.JsonObject entry = (io.vertx.core.json.JsonObject) o;
        Set<String> addrs = new HashSet<>();
        entry.getJsonArray("addrs").forEach(a -> addrs.add(a.toString().split("/")[0]));
        idents.put(entry.getString("containerid"), addrs);
      }
      owned.put(i, idents);
      owners.addAll(hosts.ringOwners(i));
      live.add(hosts.name(i));
    }
    return new FinalState(owned, converged, ms, owners, live, hosts.unexpectedExits,
        hosts.errorLines());
  }
}
