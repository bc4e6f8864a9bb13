package io.weft.it.nemesis;

import static io.weft.it.nemesis.Op.Kind.ALLOCATE;
import static io.weft.it.nemesis.Op.Kind.CLAIM;
import static io.weft.it.nemesis.Op.Kind.DELETE;
import static io.weft.it.nemesis.Op.Kind.FREE;
import static io.weft.it.nemesis.Op.Outcome.FAILED;
import static io.weft.it.nemesis.Op.Outcome.OK;
import static io.weft.it.nemesis.Op.Outcome.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The checker on hand-made histories: clean ones pass, each kind of anomaly is reported. */
class CheckerTest {
  private final Map<Integer, Map<String, Set<String>>> owned = new HashMap<>();
  private final List<String> exits = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private boolean converged = true;
  private Set<String> owners = Set.of("p1", "p2");

  private static Op op(int host, Op.Kind kind, String ident, String addr, long t0, long t1,
      Op.Outcome outcome) {
    return new Op(host, kind, ident, addr, t0, t1, outcome, "");
  }

  private void holds(int host, String ident, String... addrs) {
    owned.computeIfAbsent(host, h -> new HashMap<>()).put(ident, Set.of(addrs));
  }

  private List<Anomaly> check(List<Op> history, List<Fault> faults) {
    return new Checker(List.of(new Checker.Excuse(Pattern.compile("explained by a kill"),
        Set.of(Fault.Kind.KILL), "test")))
        .check(history, faults, new FinalState(owned, converged, 1000, owners,
            Set.of("p1", "p2"), exits, errors));
  }

  @Test
  void aCleanHistoryPasses() {
    holds(1, "a", "10.32.0.1");
    List<Op> history = List.of(
        op(1, ALLOCATE, "a", "10.32.0.1", 0, 5, OK),
        op(1, ALLOCATE, "b", "10.32.0.2", 1, 6, OK),
        op(1, DELETE, "b", null, 10, 12, OK),
        // b's address is given again only after b let it go
        op(2, CLAIM, "c", "10.32.0.2", 20, 25, OK),
        op(2, FREE, "c", "10.32.0.2", 30, 31, OK),
        op(2, ALLOCATE, "d", null, 40, 50, FAILED));
    assertThat(check(history, List.of())).isEmpty();
  }

  @Test
  void twoIdentsAnsweredTheSameAddressWhileBothHeldItIsCaught() {
    holds(1, "a", "10.32.0.1");
    holds(2, "b", "10.32.0.1");
    List<Op> history = List.of(
        op(1, ALLOCATE, "a", "10.32.0.1", 0, 5, OK),
        op(2, ALLOCATE, "b", "10.32.0.1", 3, 8, OK));
    assertThat(check(history, List.of())).extracting(Anomaly::kind)
        .containsExactlyInAnyOrder(Anomaly.Kind.ANSWERED_TWICE, Anomaly.Kind.HELD_TWICE);
  }

  @Test
  void anAddressGivenAgainWhileItsFreeWasStillInFlightIsNotAnAnomaly() {
    holds(2, "b", "10.32.0.1");
    List<Op> history = List.of(
        op(1, ALLOCATE, "a", "10.32.0.1", 0, 5, OK),
        op(1, FREE, "a", "10.32.0.1", 10, 40, UNKNOWN),
        op(2, ALLOCATE, "b", "10.32.0.1", 20, 25, OK));
    assertThat(check(history, List.of())).isEmpty();
  }

  @Test
  void aFailedFreeDoesNotReleaseAndTheAddressMustStillBeHeld() {
    List<Op> history = List.of(
        op(1, ALLOCATE, "a", "10.32.0.1", 0, 5, OK),
        op(1, FREE, "a", "10.32.0.1", 10, 11, FAILED));
    assertThat(check(history, List.of())).extracting(Anomaly::kind)
        .containsExactly(Anomaly.Kind.LOST);
  }

  @Test
  void anAllocationAnsweredOkButGoneAtTheEndIsLost() {
    holds(1, "a", "10.32.0.1");
    List<Op> history = List.of(
        op(1, ALLOCATE, "a", "10.32.0.1", 0, 5, OK),
        op(1, ALLOCATE, "b", "10.32.0.2", 6, 9, OK),
        op(1, ALLOCATE, "c", null, 10, 20, UNKNOWN));
    List<Anomaly> found = check(history, List.of(new Fault(Fault.Kind.KILL, List.of(1), "kill",
        30, 40)));
    assertThat(found).extracting(Anomaly::kind).containsExactly(Anomaly.Kind.LOST);
    assertThat(found.get(0).evidence()).contains("10.32.0.2");
  }

  @Test
  void allocationsOfAHostThatLostItsDiskMayBeGoneAndTheirAddressesGivenAgain() {
    holds(2, "b", "10.32.0.1");
    List<Op> history = List.of(
        op(1, ALLOCATE, "a", "10.32.0.1", 0, 5, OK),
        op(2, ALLOCATE, "b", "10.32.0.1", 50, 55, OK));
    List<Fault> faults = List.of(new Fault(Fault.Kind.LOSE_DISK, List.of(1), "lose disk", 30, 45));
    assertThat(check(history, faults)).isEmpty();
    // The same history without the disk loss is two anomalies.
    assertThat(check(history, List.of())).extracting(Anomaly::kind)
        .containsExactlyInAnyOrder(Anomaly.Kind.ANSWERED_TWICE, Anomaly.Kind.LOST);
  }

  @Test
  void sameIdentTwiceIsIdempotenceNotADuplicate() {
    holds(1, "a", "10.32.0.1");
    List<Op> history = List.of(
        op(1, ALLOCATE, "a", "10.32.0.1", 0, 5, OK),
        op(1, ALLOCATE, "a", "10.32.0.1", 6, 9, OK));
    assertThat(check(history, List.of())).isEmpty();
  }

  @Test
  void ringsThatDoNotConvergeOrNameADeadPeerAreCaught() {
    converged = false;
    owners = Set.of("p1", "p9");
    assertThat(check(List.of(), List.of())).extracting(Anomaly::kind)
        .containsExactly(Anomaly.Kind.RING, Anomaly.Kind.RING);
  }

  @Test
  void theTransportsMembershipErrorsAreExcusedOnlyWhenAFaultHappened() {
    errors.add("h2: 2026-11-26T18:12:25.177Z ERROR FetchMembersViewOp: [10.211.229.2]:6783 [c]"
        + " [5.3.8] [10.211.229.4]:6783 claims mastership but it is not a member!");
    errors.add("h5: 2026-11-26T18:23:39.903Z ERROR PartitionIteratingOperation: [10.211.81.5]:6783"
        + " [c] [5.3.8] Not Member! this: [10.211.81.5]:6783, caller: [10.211.81.1]:6783,"
        + " partitionId: -1");
    FinalState end = new FinalState(owned, true, 1, Set.of(), Set.of(), exits, errors);
    assertThat(new Checker().check(List.of(), List.of(), end)).hasSize(2);
    assertThat(new Checker().check(List.of(), List.of(new Fault(Fault.Kind.PAUSE, List.of(4),
        "p", 0, 1)), end)).isEmpty();
  }

  @Test
  void unexpectedExitsAndUnexplainedErrorsAreCaught() {
    exits.add("h3 exited with 1");
    errors.add("h2: 2026-01-01T00:00:00.000Z ERROR X: explained by a kill");
    errors.add("h2: 2026-01-01T00:00:00.000Z ERROR X: something broke");
    List<Anomaly> noKill = check(List.of(), List.of());
    assertThat(noKill).extracting(Anomaly::kind).containsExactly(Anomaly.Kind.EXITED,
        Anomaly.Kind.ERROR_LOGGED, Anomaly.Kind.ERROR_LOGGED);
    List<Anomaly> withKill = check(List.of(), List.of(new Fault(Fault.Kind.KILL, List.of(1), "k",
        0, 1)));
    assertThat(withKill).extracting(Anomaly::kind).containsExactly(Anomaly.Kind.EXITED,
        Anomaly.Kind.ERROR_LOGGED);
  }
}
