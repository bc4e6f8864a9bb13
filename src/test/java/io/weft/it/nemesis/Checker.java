package io.weft.it.nemesis;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Judges one run: the client history, the faults and the final state. Safety only: how fast
 * anything happened is the report's business, never an anomaly (except the ring bound, which the
 * harness applies when it collects the final state).
 */
public final class Checker {
  /**
   * An ERROR line that faults of {@code kinds} explain: when one of them happened in the run, a
   * line matching {@code pattern} is the fault's doing, for the reason given.
   */
  public record Excuse(Pattern pattern, java.util.Set<Fault.Kind> kinds, String reason) {
  }

  /**
   * ERROR lines of the transport that every fault that breaks membership causes. They come from
   * Hazelcast and Vert.x, not from weft's own code, and say that a member vanished or disagreed
   * about the membership, which is what the fault did.
   */
  public static final List<Excuse> TRANSPORT = List.of(
      new Excuse(Pattern.compile("FetchMembersViewOp: .* claims mastership but it is not a"
          + " member"), java.util.EnumSet.allOf(Fault.Kind.class),
          "Hazelcast: a member that others had dropped still acts as master until the merge"),
      new Excuse(Pattern.compile("LockClusterStateOp: .* Still have pending migration tasks,"
          + " cannot lock cluster state"), java.util.EnumSet.allOf(Fault.Kind.class),
          "Hazelcast: a join or merge found its (unused by weft) partitions still migrating"),
      new Excuse(Pattern.compile("Operation: .* Not Member! this: .* caller: "),
          java.util.EnumSet.allOf(Fault.Kind.class),
          "Hazelcast: an operation from a member this one has dropped, before the merge"),
      new Excuse(Pattern.compile("HazelcastClusterManager: Failed to handle memberRemoved"),
          java.util.EnumSet.allOf(Fault.Kind.class),
          "Vert.x: a departed member's subscriptions could not be dropped while Hazelcast merged"
          + " (TargetNotMemberException); the rings must still converge, which is checked"),
      new Excuse(Pattern.compile("VertxImpl: Failed to leave cluster"),
          java.util.EnumSet.allOf(Fault.Kind.class),
          "Vert.x: an agent left a stuck cluster to join again; its Hazelcast member was"
          + " terminated first, so Vert.x's own leave finds it inactive"),
      new Excuse(Pattern.compile("EventServiceImpl: .* caught an exception while processing:"
          + ".*LocalEventDispatcher"), java.util.EnumSet.allOf(Fault.Kind.class),
          "Hazelcast: membership events still queued when an agent terminated its member to"
          + " leave a stuck cluster (\"is not active\")"),
      new Excuse(Pattern.compile("MigrationManager: .* Migration commit to .* failed for"
          + " MigrationInfo"), java.util.EnumSet.allOf(Fault.Kind.class),
          "Hazelcast: a partition migration was committing when an agent terminated its member"
          + " to leave a stuck cluster (\"Hazelcast instance is not active\")"),
      new Excuse(Pattern.compile("Operation: .* NormalResponse already responseReceived"),
          java.util.EnumSet.of(Fault.Kind.PAUSE),
          "Hazelcast: an operation retried while its member was paused got both answers"),
      new Excuse(Pattern.compile("GroupCommit: the disk is full"),
          java.util.EnumSet.of(Fault.Kind.DISK_FULL),
          "weft: the one line that tells the operator the data directory filled (changes are"
          + " refused meanwhile and written once there is space)"),
      new Excuse(Pattern.compile("(security: .* (Node could not join cluster|Reason of failure"
          + " for node join)|TcpIpJoiner: .* Hazelcast instance is not active|Node: .* Could not"
          + " join cluster|VertxImpl: Failed to initialize clustered Vert.x|LockClusterStateOp: .*"
          + " Can not lock cluster state)"), java.util.EnumSet.allOf(Fault.Kind.class),
          "Hazelcast: a join refused while the cluster state was locked by a merge; the agent"
          + " tries again (it must still converge, which is checked)"),
      new Excuse(Pattern.compile("ConnectionBase: Connection reset"),
          java.util.EnumSet.allOf(Fault.Kind.class),
          "Vert.x event bus: a peer's TCP connection was reset (killed, or forgotten while cut)"));

  private final List<Excuse> excuses;

  /** A checker that excuses the transport's ERROR lines ({@link #TRANSPORT}). */
  public Checker() {
    this(TRANSPORT);
  }

  public Checker(List<Excuse> excuses) {
    this.excuses = excuses;
  }

  /** A holding of one address by one ident, from its answer to its release (or forever). */
  record Hold(Op grant, long from, long until) {
    boolean overlaps(Hold o) {
      return from < o.until && o.from < until;
    }
  }

  public List<Anomaly> check(List<Op> history, List<Fault> faults, FinalState end) {
    List<Anomaly> found = new ArrayList<>();
    List<Hold> holds = holds(history, faults);
    answeredTwice(holds, found);
    heldTwice(end, found);
    lost(holds, end, found);
    if (!end.ringsConverged()) {
      found.add(new Anomaly(Anomaly.Kind.RING, "rings did not converge within "
          + end.convergedMs() + " ms of the final heal"));
    }
    for (String owner : end.ringOwners()) {
      if (!end.livePeers().contains(owner)) {
        found.add(new Anomaly(Anomaly.Kind.RING, "ring entries owned by " + owner
            + ", which is not a live peer (live: " + end.livePeers() + ")"));
      }
    }
    end.unexpectedExits().forEach(e -> found.add(new Anomaly(Anomaly.Kind.EXITED, e)));
    for (String line : end.errorLines()) {
      if (!excused(line, faults)) {
        found.add(new Anomaly(Anomaly.Kind.ERROR_LOGGED, line));
      }
    }
    return found;
  }

  private boolean excused(String line, List<Fault> faults) {
    return excuses.stream().anyMatch(e -> e.pattern().matcher(line).find()
        && faults.stream().anyMatch(f -> e.kinds().contains(f.kind())));
  }

  /**
   * Every ok grant becomes a hold until the first later free or delete of its ident that may have
   * taken it (a timed-out one may have), or until its host lost its disk.
   */
  static List<Hold> holds(List<Op> history, List<Fault> faults) {
    List<Op> ordered = new ArrayList<>(history);
    ordered.sort(Comparator.comparingLong(Op::invoked));
    List<Hold> holds = new ArrayList<>();
    for (Op grant : ordered) {
      if (!grant.grants()) {
        continue;
      }
      long until = Long.MAX_VALUE;
      for (Op later : ordered) {
        if (later.invoked() > grant.invoked() && later.host() == grant.host()
            && later.ident().equals(grant.ident()) && later.mayRelease(grant.address())) {
          until = later.invoked();
          break;
        }
      }
      for (Fault f : faults) {
        if (f.kind() == Fault.Kind.LOSE_DISK && f.hosts().contains(grant.host())
            && f.start() > grant.invoked()) {
          until = Math.min(until, f.start());
        }
      }
      holds.add(new Hold(grant, grant.completed(), until));
    }
    return holds;
  }

  private static void answeredTwice(List<Hold> holds, List<Anomaly> found) {
    Map<String, List<Hold>> byAddress = new TreeMap<>();
    holds.forEach(h -> byAddress.computeIfAbsent(h.grant().address(), a -> new ArrayList<>())
        .add(h));
    for (List<Hold> same : byAddress.values()) {
      for (int i = 0; i < same.size(); i++) {
        for (int j = i + 1; j < same.size(); j++) {
          Hold a = same.get(i);
          Hold b = same.get(j);
          boolean sameHolder = a.grant().host() == b.grant().host()
              && a.grant().ident().equals(b.grant().ident());
          if (!sameHolder && a.overlaps(b)) {
            found.add(new Anomaly(Anomaly.Kind.ANSWERED_TWICE, a.grant().address()
                + " answered to " + a.grant() + " and to " + b.grant() + " while both held it"));
          }
        }
      }
    }
  }

  private static void heldTwice(FinalState end, List<Anomaly> found) {
    Map<String, String> holder = new HashMap<>();
    end.owned().forEach((host, idents) -> idents.forEach((ident, addrs) -> {
      for (String a : addrs) {
        String who = "h" + host + ":" + ident;
        String before = holder.putIfAbsent(a, who);
        if (before != null) {
          found.add(new Anomaly(Anomaly.Kind.HELD_TWICE, a + " held by " + before + " and "
              + who + " at the end"));
        }
      }
    }));
  }

  private static void lost(List<Hold> holds, FinalState end, List<Anomaly> found) {
    for (Hold h : holds) {
      if (h.until() != Long.MAX_VALUE) {
        continue;
      }
      Op g = h.grant();
      Set<String> held = end.owned().getOrDefault(g.host(), Map.of()).getOrDefault(g.ident(),
          Set.of());
      if (!held.contains(g.address())) {
        found.add(new Anomaly(Anomaly.Kind.LOST, g + " was answered ok and never released, but"
            + " at the end h" + g.host() + " holds " + held + " for " + g.ident()));
      }
    }
  }
}
