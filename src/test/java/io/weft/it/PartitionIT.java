package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Four agents as four hosts in their own network namespaces on one bridge; one host is cut off
 * and healed. Needs root and iproute2; skipped, with the reason, elsewhere.
 */
class PartitionIT extends NetnsHosts {
  PartitionIT() {
    super(4);
  }

  void launch(int i) throws IOException {
    launchIn(i);
  }

  @Test
  void bothSidesOfACutAllocateAndTheRingsConvergeAfterTheHeal() throws Exception {
    network();
    for (int i = 1; i <= HOSTS; i++) {
      launch(i);
    }
    await(Duration.ofSeconds(90), () -> {
      for (int i = 1; i <= HOSTS; i++) {
        if (reachable(i) != HOSTS) {
          return false;
        }
      }
      return true;
    }, "4 hosts in one cluster");
    assertThat(http(1, "POST", "/ip/before")).startsWith("10.");
    await(Duration.ofSeconds(30), () -> {
      for (int i = 1; i <= HOSTS; i++) {
        if (!"achieved".equals(status(i).getString("consensus"))) {
          return false;
        }
      }
      return true;
    }, "consensus everywhere");

    link(4, false);
    long cut = System.nanoTime();
    await(Duration.ofSeconds(60), () -> reachable(1) == 3 && reachable(4) == 1, "the cut seen");
    System.out.printf("partition detected after %d ms%n", (System.nanoTime() - cut) / 1_000_000);
    for (int n = 0; n < 10; n++) {
      for (int i = 1; i <= HOSTS; i++) {
        assertThat(http(i, "POST", "/ip/side" + i + "-" + n)).as("host %d", i).startsWith("10.");
      }
    }

    link(4, true);
    long healed = System.nanoTime();
    await(Duration.ofSeconds(90), () -> {
      String shape = ringShape(1);
      for (int i = 2; i <= HOSTS; i++) {
        if (reachable(i) != HOSTS || !ringShape(i).equals(shape)) {
          return false;
        }
      }
      return true;
    }, "rings equal after the heal");
    System.out.printf("heal -> rings converged: %d ms%n", (System.nanoTime() - healed) / 1_000_000);

    assertThat(addressesHeldOnce()).isEqualTo(1 + HOSTS * 10);
    for (int i = 1; i <= HOSTS; i++) {
      assertThat(status(i).getJsonArray("errors")).as("host %d errors", i).isEmpty();
    }
  }
}
