package io.weft.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.ipam.Result;
import io.weft.ipam.ResultCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WaitingRequestsTest {
  private final WaitingRequests waiting = new WaitingRequests();

  @Test
  void aRequestIsAnsweredWhenItsIdCompletes() {
    WaitingRequests.Ticket first = waiting.mayWait("c1", null);
    WaitingRequests.Ticket second = waiting.mayWait("c2", null);
    waiting.complete(second.requestId(), Result.ok("10.32.0.2/12"));
    assertThat(first.answer().isComplete()).isFalse();
    assertThat(second.answer().result().value()).isEqualTo("10.32.0.2/12");
    assertThat(waiting.waiting()).isEqualTo(1);
    waiting.complete(second.requestId(), Result.ok("again")); // unknown now: ignored
    assertThat(second.answer().result().value()).isEqualTo("10.32.0.2/12");
  }

  @Test
  void aTokenNamesItsRequestOnlyWhileItWaits() {
    WaitingRequests.Ticket t = waiting.mayWait("c1", "tok");
    assertThat(waiting.byToken("tok")).contains(t.requestId());
    assertThat(waiting.byToken("other")).isEmpty();
    assertThat(waiting.byToken(null)).isEmpty();
    waiting.complete(t.requestId(), Result.failed(ResultCode.UNAVAILABLE, "cancelled"));
    assertThat(waiting.byToken("tok")).isEmpty();
  }

  @Test
  void oneIdentMayHaveSixteenWaitingAndThenAgainAfterOneIsAnswered() {
    List<WaitingRequests.Ticket> tickets = new ArrayList<>();
    for (int i = 0; i < WaitingRequests.MAX_WAITING_PER_IDENT; i++) {
      tickets.add(waiting.mayWait("c1", null));
    }
    assertThatThrownBy(() -> waiting.mayWait("c1", null))
        .isInstanceOf(RequestFields.Overloaded.class)
        .hasMessageContaining("16 requests for 'c1' are already waiting");
    waiting.mayWait("c2", null);
    waiting.complete(tickets.get(0).requestId(), Result.ok("x"));
    waiting.mayWait("c1", null);
  }

  @Test
  void theAgentBoundRefusesWaitingRequestsButNeverFreesOrDeletes() {
    for (int i = 0; i < WaitingRequests.MAX_WAITING; i++) {
      waiting.mayWait("c" + i, null);
    }
    assertThatThrownBy(() -> waiting.mayWait("another", null))
        .isInstanceOf(RequestFields.Overloaded.class)
        .hasMessageContaining("10000 requests are already waiting on this agent");
    assertThatThrownBy(() -> waiting.mayWait(null, null))
        .isInstanceOf(RequestFields.Overloaded.class);
    WaitingRequests.Ticket free = waiting.answeredAtOnce();
    waiting.complete(free.requestId(), Result.ok("10.32.0.1/12"));
    assertThat(free.answer().result().isOk()).isTrue();
    assertThat(waiting.waiting()).isEqualTo(WaitingRequests.MAX_WAITING);
  }
}
