package io.weft.sim;

import io.weft.ipam.Allocator;
import io.weft.ipam.AllocatorConfig;
import io.weft.ipam.Message;
import io.weft.ipam.Outcome;
import io.weft.ipam.PersistedState;
import io.weft.ipam.Seeding;
import io.weft.net.Cidr;
import io.weft.net.PrefixedAddress;
import io.weft.ring.Entry;
import io.weft.ring.PeerName;
import io.weft.ring.RingState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Many peers in one thread over a simulated network and clock, everything decided by one
 * seed: message loss, duplication, delay (and so reordering), partitions, crashes and restarts
 * from persisted state, rmpeer of peers gone for good, and random client requests. After every
 * step it checks the safety invariants listed in the README's simulator section; {@link #run} returns the first
 * violation, or null.
 *
 * <p>Each peer is the two pure machines its agent runs, composed as the agent's verticles compose
 * them: the {@link Allocator} (the ring verticle) and {@link Seeding} (the consensus verticle).
 * An allocator outcome that asks to {@link Outcome#establish establish} starts Seeding; a Seeding
 * outcome is carried (persisted, then sent) and handed to {@link Allocator#afterConsensus}; an
 * allocator outcome saying {@link Outcome#ringExists} ends Seeding. Gossip broadcast to all
 * reaches both machines, a message to one peer only the machine it is addressed to, as on the
 * event bus.
 */
final class Simulation {
  static final Cidr UNIVERSE = Cidr.parse("10.0.0.0/22");
  static final int IDENTS = 40;

  /** One host: its two machines while up, and what its disk holds. */
  static final class Node {
    PeerName name;
    final int index;
    Allocator allocator;
    Seeding seeding;
    PersistedState disk;
    boolean up = true;
    /**
     * Restarted and serving, but its cluster layer has not joined yet (as the agent, which serves
     * from its own ranges while Hazelcast joins in the background): it reaches no one, no one
     * reaches it, and what it sends is lost.
     */
    boolean joining;
    /** When a joining peer's cluster layer has joined (Hazelcast's join takes seconds). */
    long joinsAtMs;
    boolean removed;
    /** The old identity of a host that lost its disk: never comes back. */
    boolean ghost;
    int group;
    /** Changed since the last check: only such nodes need their invariants checked again. */
    boolean touched = true;

    Node(PeerName name, int index) {
      this.name = name;
      this.index = index;
    }
  }

  /** Which machines of a peer a message reaches, as the event-bus addresses decide. */
  enum Channel { ALL, ALLOCATOR, SEEDING }

  /** A message on its way. */
  record InFlight(long deliverAtMs, long seq, int to, Message message, Channel channel) {}

  /** A request the simulated clients sent and still wait on. */
  record Request(int node, String kind, String ident) {}

  final SimOptions options;
  final SplittableRandom random;
  final List<Node> nodes = new ArrayList<>();
  final PriorityQueue<InFlight> network = new PriorityQueue<>((a, b) ->
      a.deliverAtMs != b.deliverAtMs ? Long.compare(a.deliverAtMs, b.deliverAtMs)
          : Long.compare(a.seq, b.seq));
  final Map<Long, Request> requests = new HashMap<>();
  /** Allocations answered to a client and not freed since: they must survive restarts. */
  final Map<Integer, Map<String, Set<String>>> answered = new HashMap<>();
  long nowMs;
  long seq;
  long nextRequestId = 1;
  long steps;
  int partitions;
  int restarts;
  int answeredAllocations;
  /** Allocations and claims a restarted peer answered before it had heard from anyone. */
  int answeredWhileJoining;

  Simulation(SimOptions options) {
    this.options = options;
    this.random = new SplittableRandom(options.seed());
    for (int i = 0; i < options.peers(); i++) {
      Node node = new Node(nodeName(i), i);
      start(node, null);
      node.disk = snapshot(node);
      nodes.add(node);
      answered.put(i, new HashMap<>());
    }
    for (Node a : nodes) {
      for (Node b : nodes) {
        if (a != b) {
          a.allocator.memberJoined(nowMs, b.name);
        }
      }
    }
  }

  static PeerName nodeName(int index) {
    return new PeerName(0x0200_0000_0000L + index + 1);
  }

  /** Starts both machines of {@code node} from {@code disk} (null: a new peer). */
  private void start(Node node, PersistedState disk) {
    node.allocator = newAllocator(node, disk);
    node.seeding = Seeding.of(node.allocator.config(),
        disk == null ? node.allocator.persistedState() : disk);
  }

  /** What the node's disk holds after a commit: the allocator's state and Paxos knowledge. */
  private static PersistedState snapshot(Node node) {
    PersistedState a = node.allocator.persistedState();
    return new PersistedState(a.ring(), a.allocations(), node.seeding.claims(), a.reset());
  }

  private Allocator newAllocator(Node node, PersistedState disk) {
    boolean observer = node.index < options.observers();
    AllocatorConfig config = new AllocatorConfig(node.name, random.nextLong(),
        "host" + node.index, UNIVERSE, options.quorum(), observer, 1_000, 5_000, 30_000, 5);
    if (options.seedMode()) {
      config = config.withSeeds(java.util.stream.IntStream.range(0, Math.min(3, options.peers()))
          .mapToObj(Simulation::nodeName).toList());
    }
    SplittableRandom own = random.split();
    return disk == null ? new Allocator(config, own) : Allocator.restore(config, own, disk);
  }

  /** Runs the safety phase then the healing phase; the first violation, or null. */
  String run() {
    for (int i = 0; i < options.steps(); i++) {
      step();
      String violation = check();
      if (violation != null) {
        return "step " + steps + ": " + violation;
      }
    }
    return heal();
  }

  // ---- one step ----

  void step() {
    steps++;
    int roll = random.nextInt(1000);
    if (roll < 450 && !network.isEmpty()) {
      deliverNext();
    } else if (roll < 650) {
      nowMs += 1 + random.nextInt(400);
      Node n = anyUp();
      if (n != null) {
        if (n.joining && nowMs >= n.joinsAtMs) {
          finishJoining(n);
        }
        consensus(n, n.seeding.tick(nowMs));
        apply(n, n.allocator.tick(nowMs));
      }
    } else if (roll < 900) {
      clientRequest();
    } else if (roll < 900 + options.partitionPerMille()) {
      repartition();
    } else if (roll < 900 + options.partitionPerMille() + options.restartPerMille()) {
      crashOrRestart();
    } else if (roll < 900 + options.partitionPerMille() + options.restartPerMille() + 2) {
      removeDeadPeer();
    } else if (!network.isEmpty()) {
      deliverNext();
    }
  }

  private void deliverNext() {
    InFlight m = network.poll();
    nowMs = Math.max(nowMs, m.deliverAtMs);
    Node to = nodes.get(m.to);
    Node from = nodeOf(m.message.from());
    if (!to.up || to.removed || to.joining || from.group != to.group) {
      return;
    }
    receive(to, m);
  }

  /** A message reaches the machine it is addressed to; gossip broadcast to all reaches both. */
  private void receive(Node to, InFlight m) {
    if (m.channel != Channel.SEEDING) {
      apply(to, to.allocator.receive(nowMs, m.message));
    }
    if (m.channel != Channel.ALLOCATOR) {
      consensus(to, to.seeding.receive(nowMs, m.message));
    }
  }

  /** Carries out a Seeding outcome, then hands it to the allocator (the consensus value). */
  void consensus(Node node, Outcome out) {
    apply(node, out);
    apply(node, node.allocator.afterConsensus(nowMs, out));
  }

  /** Carries out an outcome: persist first, then send, then complete. */
  void apply(Node node, Outcome out) {
    node.touched = true;
    if (out.persist()) {
      node.disk = snapshot(node);
    }
    for (Outcome.Send s : out.sends()) {
      for (Node target : node.joining ? List.<Node>of() : nodes) {
        if (target != node && (s.to() == null || s.to().equals(target.name))) {
          send(target, s.message(), s.to() == null ? Channel.ALL
              : s.toSeeding() ? Channel.SEEDING : Channel.ALLOCATOR);
        }
      }
    }
    for (Outcome.Event e : out.events()) {
      if (e.type() == io.weft.ipam.EventType.FREED) {
        answered.get(node.index).getOrDefault(e.id(), new HashSet<>()).remove(e.address());
      }
    }
    for (Outcome.Completion c : out.completions()) {
      Request r = requests.remove(c.requestId());
      if (r != null && c.result().isOk() && (r.kind.equals("allocate") || r.kind.equals("claim"))
          && node.allocator.lookup(r.ident, null).stream()
              .anyMatch(a -> a.toString().equals(c.result().value()))) {
        answered.get(node.index).computeIfAbsent(r.ident, i -> new HashSet<>())
            .add(c.result().value());
        answeredAllocations++;
        answeredWhileJoining += node.joining ? 1 : 0;
      }
    }
    if (out.ringExists()) {
      node.seeding.ringExists();
    }
    if (out.establish()) {
      consensus(node, node.seeding.establish(nowMs));
    }
  }

  private void send(Node target, Message message, Channel channel) {
    if (random.nextInt(1000) < options.dropPerMille()) {
      return;
    }
    int copies = random.nextInt(1000) < options.duplicatePerMille() ? 2 : 1;
    for (int i = 0; i < copies; i++) {
      long delay = 1 + random.nextInt(options.maxDelayMs());
      network.add(new InFlight(nowMs + delay, seq++, target.index, message, channel));
    }
  }

  private void clientRequest() {
    Node n = anyUp();
    if (n == null) {
      return;
    }
    String ident = "c" + random.nextInt(IDENTS);
    long id = nextRequestId++;
    int kind = random.nextInt(100);
    Outcome out;
    if (kind < 45) {
      Cidr subnet = random.nextInt(4) == 0 ? Cidr.parse("10.0.1.0/24") : UNIVERSE;
      requests.put(id, new Request(n.index, "allocate", ident));
      out = n.allocator.allocate(nowMs, id, ident, subnet, true);
    } else if (kind < 55) {
      long address = UNIVERSE.address() + 1 + random.nextInt((int) UNIVERSE.size() - 2);
      requests.put(id, new Request(n.index, "claim", ident));
      out = n.allocator.claim(nowMs, id, ident, new PrefixedAddress(address, UNIVERSE.prefix()),
          false, true);
    } else if (kind < 75) {
      List<PrefixedAddress> held = n.allocator.lookup(ident, null);
      if (held.isEmpty()) {
        return;
      }
      requests.put(id, new Request(n.index, "free", ident));
      out = n.allocator.free(nowMs, id, ident, held.get(0).address());
    } else if (kind < 85) {
      requests.put(id, new Request(n.index, "delete", ident));
      out = n.allocator.delete(nowMs, id, ident);
    } else if (kind < 95) {
      out = n.allocator.containerDied(nowMs, ident);
    } else {
      out = n.allocator.containerStarted(nowMs, ident);
    }
    apply(n, out);
  }

  // ---- faults ----

  private void repartition() {
    partitions++;
    boolean heal = random.nextBoolean();
    int groups = heal ? 1 : 2 + random.nextInt(2);
    for (Node n : nodes) {
      n.group = heal ? 0 : random.nextInt(groups);
    }
    refreshMembership();
  }

  /** Tells every up node who it can reach now, as the cluster layer would. */
  void refreshMembership() {
    for (Node a : nodes) {
      if (!a.up || a.removed) {
        continue;
      }
      Set<PeerName> before = a.allocator.status().reachable();
      for (Node b : nodes) {
        if (a == b) {
          continue;
        }
        boolean reach = b.up && !b.removed && a.group == b.group && !a.joining && !b.joining;
        if (reach && !before.contains(b.name)) {
          apply(a, a.allocator.memberJoined(nowMs, b.name));
          consensus(a, a.seeding.memberJoined(nowMs, b.name));
        } else if (!reach && before.contains(b.name)) {
          apply(a, a.allocator.memberLeft(nowMs, b.name));
        }
      }
    }
  }

  private void crashOrRestart() {
    Node n = nodes.get(random.nextInt(nodes.size()));
    if (n.removed || n.ghost) {
      return;
    }
    if (n.up) {
      n.up = false;
      n.joining = false;
      requests.values().removeIf(r -> r.node == n.index);
    } else if (random.nextInt(4) == 0 && !n.disk.ring().isEmpty() && honestAfterDiskLoss()) {
      loseDisk(n);
    } else {
      restarts++;
      restartJoining(n);
    }
    refreshMembership();
  }

  /**
   * The host comes back from its disk and serves at once, before its cluster layer has joined;
   * what it answered before the crash must still be there.
   */
  void restartJoining(Node n) {
    start(n, n.disk);
    n.up = true;
    n.joining = true;
    // Drawn from the clock, not the seed's stream, so that the faults a seed makes stay put.
    n.joinsAtMs = nowMs + 1_000 + (nowMs * 7919 + n.index * 997) % 4_000;
    n.touched = true;
    for (Map.Entry<String, Set<String>> e : answered.get(n.index).entrySet()) {
      for (String address : e.getValue()) {
        if (n.allocator.lookup(e.getKey(), null).stream()
            .noneMatch(a -> a.toString().equals(address))) {
          lostOnRestart = n.name + " lost " + e.getKey() + " " + address + " on restart";
        }
      }
    }
  }

  /** The cluster layer has joined: the peer and the others in its partition see each other. */
  void finishJoining(Node n) {
    n.joining = false;
    refreshMembership();
  }

  void crash(Node n) {
    n.up = false;
    n.joining = false;
    requests.values().removeIf(r -> r.node == n.index);
    refreshMembership();
  }

  /** Delivers everything in flight (and what that sends), as on a quiet network. */
  void settle() {
    while (!network.isEmpty()) {
      deliverNext();
    }
  }

  /** A client's allocation at {@code n}; its answer, or null while it waits. */
  String allocate(Node n, String ident) {
    long id = nextRequestId++;
    requests.put(id, new Request(n.index, "allocate", ident));
    apply(n, n.allocator.allocate(nowMs, id, ident, UNIVERSE, true));
    return requests.containsKey(id) ? null
        : n.allocator.lookup(ident, null).stream().findFirst().map(Object::toString).orElse(null);
  }

  private String lostOnRestart;

  /**
   * A host that loses its disk returns as a new elector without a ring. With the electors that
   * never got the ring it must not be able to seed a second one: that would be more peers than
   * the configured count (the seed's warning about restarting peers with the current count).
   */
  private boolean honestAfterDiskLoss() {
    int ringless = 0;
    for (Node n : nodes) {
      if (!n.removed && !n.ghost && n.index >= options.observers() && n.disk.ring().isEmpty()) {
        ringless++;
      }
    }
    return ringless + 1 < options.quorum();
  }
  int diskLosses;

  /**
   * The host comes back with an empty data directory: a new peer name, no ring, no allocations
   * (its containers went with it). Its old identity stays behind, down and owning its ranges,
   * until an operator removes it with rmpeer.
   */
  private void loseDisk(Node n) {
    diskLosses++;
    Node ghost = new Node(n.name, nodes.size());
    ghost.up = false;
    ghost.ghost = true;
    ghost.disk = new PersistedState(n.disk.ring(), List.of(), Map.of());
    ghost.allocator = n.allocator;
    ghost.seeding = n.seeding;
    nodes.add(ghost);
    answered.put(ghost.index, new HashMap<>());
    answered.get(n.index).clear();
    n.name = new PeerName(0x0300_0000_0000L + nodes.size());
    start(n, null);
    n.disk = snapshot(n);
    n.up = true;
    n.touched = true;
  }

  /** An operator removes a peer that is down for good: a live one takes its ranges. */
  private void removeDeadPeer() {
    Node dead = null;
    for (Node n : nodes) {
      if (!n.up && !n.removed) {
        dead = n;
      }
    }
    Node taker = anyUp();
    if (dead == null || taker == null) {
      return;
    }
    // The operator's precondition, as in the original: the dead peer's last messages have
    // landed or been lost, the rest of the cluster is up and connected, and the taker has seen
    // everyone's ring (so also every donation the dead peer made).
    PeerName deadName = dead.name;
    if (network.stream().anyMatch(m -> m.message.from().equals(deadName))) {
      return;
    }
    for (Node n : nodes) {
      if (n != dead && !n.removed && (!n.up || n.group != taker.group)) {
        return;
      }
    }
    dead.removed = true;
    answered.get(dead.index).clear();
    operatorRmpeer(taker, dead);
  }

  /** rmpeer as the operator's procedure says: the taker first sees every live peer's ring. */
  private void operatorRmpeer(Node taker, Node dead) {
    for (Node n : nodes) {
      if (n != taker && n.up && !n.removed) {
        apply(taker, taker.allocator.receive(nowMs, n.allocator.gossip()));
      }
    }
    apply(taker, taker.allocator.rmpeer(nowMs, nextRequestId++, dead.name.toString(), false));
  }

  /** Broken-variant fault: an operator forces rmpeer of a peer that is alive and allocating. */
  void forceRemoveLivePeer() {
    Node victim = nodes.get(0);
    Node taker = nodes.get(1);
    apply(taker, taker.allocator.rmpeer(nowMs, nextRequestId++, victim.name.toString(), true));
  }

  // ---- checking ----

  /** The first safety violation now, or null. */
  String check() {
    if (lostOnRestart != null) {
      return lostOnRestart;
    }
    Map<Long, String> holders = new HashMap<>();
    Set<List<PeerName>> seeds = new HashSet<>();
    for (Node n : nodes) {
      if (n.removed) {
        continue;
      }
      if (n.up && n.touched) {
        n.touched = false;
        String problem = n.allocator.checkInvariants().or(n.seeding::checkInvariants)
            .orElse(null);
        if (problem != null) {
          return problem;
        }
      }
      // Every change to allocations is persisted at once, so the disk is the live state too.
      PersistedState state = n.disk;
      if (!state.ring().seeds().isEmpty()) {
        seeds.add(state.ring().seeds());
      }
      for (var a : state.allocations()) {
        String holder = n.name + ":" + a.ident();
        String other = holders.put(a.address().address(), holder);
        if (other != null && UNIVERSE.contains(a.address().address())) {
          return "address " + a.address() + " held by " + other + " and " + holder;
        }
      }
    }
    if (seeds.size() > 1) {
      return "two rings were seeded: " + seeds;
    }
    return null;
  }

  /** Heals everything and lets gossip settle; then all rings must be equal. */
  String heal() {
    for (Node n : nodes) {
      n.group = 0;
      n.joining = false;
      if (n.ghost && !n.removed) {
        n.removed = true;
        answered.get(n.index).clear();
      }
      if (!n.up && !n.removed) {
        start(n, n.disk);
        n.up = true;
      }
    }
    refreshMembership();
    int stableRounds = 0;
    for (int round = 0; round < 60 && stableRounds < 2; round++) {
      if (round == 3 || round == 20 || round == 40) {
        retakeRangesOfRemovedPeers();
      }
      nowMs += 6_000;
      for (Node n : nodes) {
        if (n.up && !n.removed) {
          steps++;
          consensus(n, n.seeding.tick(nowMs));
          apply(n, n.allocator.tick(nowMs));
        }
      }
      while (!network.isEmpty()) {
        InFlight m = network.poll();
        Node to = nodes.get(m.to);
        if (to.up && !to.removed) {
          steps++;
          receive(to, m);
        }
      }
      String violation = check();
      if (violation != null) {
        return "healing round " + round + ": " + violation;
      }
      stableRounds = round > 3 && converged() == null ? stableRounds + 1 : 0;
    }
    return converged();
  }

  /**
   * A peer removed while another had not yet seen all its entries (say, a donation it made just
   * before it died) still owns those; an operator sees them unreachable and runs rmpeer again.
   */
  private void retakeRangesOfRemovedPeers() {
    Node taker = anyUp();
    if (taker == null) {
      return;
    }
    Set<PeerName> owners = new HashSet<>();
    taker.allocator.ringState().entries().forEach(e -> owners.add(e.peer()));
    for (Node n : nodes) {
      if (n.removed && owners.contains(n.name)) {
        operatorRmpeer(taker, n);
      }
    }
  }

  private String converged() {
    RingState first = null;
    for (Node n : nodes) {
      if (n.removed || n.allocator.isShutDown()) {
        continue;
      }
      RingState ring = n.allocator.ringState();
      if (first == null) {
        first = ring;
      } else if (!sameRing(first, ring)) {
        return "rings differ after healing: " + first + " vs " + n.name + " " + ring;
      }
      if (!n.allocator.status().refusals().isEmpty()) {
        return n.name + " still refuses rings: " + n.allocator.status().refusals();
      }
    }
    if (first != null) {
      for (Entry e : first.entries()) {
        if (nodes.stream().anyMatch(n -> n.removed && n.name.equals(e.peer()))) {
          return "after healing a removed peer still owns " + e;
        }
      }
    }
    return null;
  }

  static boolean sameRing(RingState a, RingState b) {
    if (a.entries().size() != b.entries().size()) {
      return false;
    }
    for (int i = 0; i < a.entries().size(); i++) {
      Entry x = a.entries().get(i);
      Entry y = b.entries().get(i);
      if (x.token() != y.token() || !x.peer().equals(y.peer()) || x.version() != y.version()) {
        return false;
      }
    }
    return true;
  }

  private Node anyUp() {
    List<Node> up = new ArrayList<>();
    for (Node n : nodes) {
      if (n.up && !n.removed) {
        up.add(n);
      }
    }
    return up.isEmpty() ? null : up.get(random.nextInt(up.size()));
  }

  private Node nodeOf(PeerName name) {
    for (Node n : nodes) {
      if (n.name.equals(name)) {
        return n;
      }
    }
    throw new IllegalStateException("unknown peer " + name);
  }
}
