package io.weft.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesUpToTheCapAndStartsOverAfterASuccess() {
    Backoff backoff = new Backoff(250, 15_000);
    long[] delays = new long[9];
    for (int i = 0; i < delays.length; i++) {
      delays[i] = backoff.next();
    }
    assertThat(delays).containsExactly(250, 500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000);
    backoff.reset();
    assertThat(backoff.next()).isEqualTo(250);
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new Backoff(0, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(20, 10)).isInstanceOf(IllegalArgumentException.class);
  }
}
