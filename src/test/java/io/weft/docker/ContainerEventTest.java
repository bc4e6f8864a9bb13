package io.weft.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.docker.ContainerEvent.Kind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ContainerEventTest {
  private static final String ID = "3d13b2c2" + "0".repeat(56);

  @Test
  void readsPodmanAndDockerLines() {
    String podmanDie = "{\"status\":\"die\",\"id\":\"" + ID + "\",\"from\":\"localhost/busybox\","
        + "\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"" + ID + "\","
        + "\"Attributes\":{\"exitCode\":\"3\"}},\"scope\":\"local\",\"time\":1795596815}";
    assertThat(ContainerEvent.parse(podmanDie)).contains(new ContainerEvent(Kind.DIED, ID));
    assertThat(ContainerEvent.parse("{\"Type\":\"container\",\"Action\":\"destroy\","
        + "\"Actor\":{\"ID\":\"" + ID + "\"}}")).contains(new ContainerEvent(Kind.DESTROYED, ID));
    assertThat(ContainerEvent.parse("{\"Type\":\"container\",\"Action\":\"remove\","
        + "\"Actor\":{\"ID\":\"" + ID + "\"}}")).contains(new ContainerEvent(Kind.DESTROYED, ID));
    assertThat(ContainerEvent.parse("{\"status\":\"start\",\"id\":\"" + ID + "\"}"))
        .as("engines before API 1.22").contains(new ContainerEvent(Kind.STARTED, ID));
    assertThat(ContainerEvent.parse("{\"Type\":\"container\",\"Action\":\"create\","
        + "\"id\":\"" + ID + "\"}")).contains(new ContainerEvent(Kind.CREATED, ID));
  }

  @Test
  void ignoresWhatIpamDoesNotNeed() {
    for (String action : new String[] {"init", "cleanup", "attach", "exec_start: sh -c x",
        "kill", "stop"}) {
      assertThat(ContainerEvent.parse("{\"Type\":\"container\",\"Action\":\"" + action
          + "\",\"id\":\"" + ID + "\"}")).as(action).isEmpty();
    }
    assertThat(ContainerEvent.parse("{\"Type\":\"image\",\"Action\":\"pull\",\"id\":\"x\"}"))
        .isEqualTo(Optional.empty());
    assertThat(ContainerEvent.parse("{\"Type\":\"network\",\"Action\":\"destroy\"}")).isEmpty();
  }

  @Test
  void refusesLinesThatAreNotEvents() {
    for (String line : new String[] {"", "nonsense", "[1]", "\"text\"", "{\"Type\":",
        "{\"Type\":\"container\",\"Action\":\"die\"}",
        "{\"Type\":\"container\",\"Action\":\"die\",\"id\":\"ABC\"}",
        "{\"Type\":\"container\",\"Action\":\"die\",\"id\":42}"}) {
      assertThatThrownBy(() -> ContainerEvent.parse(line)).as(line)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
