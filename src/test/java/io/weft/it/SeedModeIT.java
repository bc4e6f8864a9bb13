package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Seed mode across three hosts: every agent launched with {@code --ipalloc-init seed=A,B,C} (its
 * own name fixed with {@code --name}), the third cut off from the start. The two others allocate
 * at once, with no quorum to wait for; so does the third, alone, from its own part of the seeded
 * ring; once it joins, the rings agree and no address is held twice.
 */
class SeedModeIT extends NetnsHosts {
  private static final String[] NAMES = {"0a:00:00:00:00:01", "0a:00:00:00:00:02",
      "0a:00:00:00:00:03"};
  private static final String SEEDS = "seed=" + String.join(",", NAMES);

  SeedModeIT() {
    super(3);
  }

  @Test
  void peersSeededAlikeAllocateAtOnceAndTheRingsAgreeWhenTheCutOneJoins() throws Exception {
    network();
    link(3, false);
    for (int i = 1; i <= HOSTS; i++) {
      launchIn(i, "--name", NAMES[i - 1], "--ipalloc-init", SEEDS);
    }
    await(Duration.ofSeconds(90), () -> reachable(1) == 2 && reachable(2) == 2,
        "hosts 1 and 2 in one cluster");
    await(Duration.ofSeconds(60), () -> status(3).containsKey("name"), "host 3 answering");
    for (int n = 0; n < 5; n++) {
      for (int i = 1; i <= HOSTS; i++) {
        assertThat(http(i, "POST", "/ip/c" + i + "-" + n)).as("host %d", i).startsWith("10.");
      }
    }
    assertThat(reachable(3)).as("host 3 is still cut off").isEqualTo(1);

    link(3, true);
    await(Duration.ofSeconds(120), () -> {
      String shape = ringShape(1);
      for (int i = 2; i <= HOSTS; i++) {
        if (reachable(i) != HOSTS || !ringShape(i).equals(shape)) {
          return false;
        }
      }
      return true;
    }, "rings equal once host 3 joined");
    assertThat(addressesHeldOnce()).isEqualTo(HOSTS * 5);
    for (int i = 1; i <= HOSTS; i++) {
      assertThat(status(i).getJsonArray("errors")).as("host %d errors", i).isEmpty();
      assertThat(status(i).getString("consensus")).isEqualTo("achieved");
    }
  }
}
