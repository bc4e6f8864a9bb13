package io.weft.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The plugin's requests against a stand-in agent that answers as the test says, to reach the
 * paths a real agent rarely takes (an ADD failing after its allocation).
 */
class IpamPluginTest {
  private static final Attachment POD = new Attachment("podnet", "abc123", "eth0");

  /** Every request line the stand-in got ("METHOD /path"), in order. */
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private StandInAgent agent(Function<String, StandInAgent.Reply> answer) throws Exception {
    return new StandInAgent(head -> {
      String line = head.substring(0, head.indexOf(" HTTP/"));
      requests.add(line);
      return answer.apply(line);
    });
  }

  private static IpamPlugin plugin(int port, String gateway) throws CniException {
    return new IpamPlugin(NetworkConfig.parse("{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\","
        + "\"type\":\"bridge\",\"ipam\":{\"type\":\"weft-ipam\",\"subnet\":\"10.40.0.0/16\","
        + "\"gateway\":\"" + gateway + "\",\"agent\":\"127.0.0.1:" + port + "\","
        + "\"timeoutSeconds\":5}}"));
  }

  private static String delete(String ident) {
    return "DELETE /ip/" + AgentHttp.segment(ident);
  }

  /** The agent hands out the gateway after ADD claimed it: ADD fails and frees what it got. */
  @Test
  void anAddFailingAfterItsAllocationReleasesIt() throws Exception {
    try (StandInAgent a = agent(line -> line.startsWith("POST ")
        ? new StandInAgent.Reply(200, "10.40.0.1/16")
        : new StandInAgent.Reply(204, ""))) {
      assertThatThrownBy(() -> plugin(a.port(), "10.40.0.1").add(POD, Optional.empty()))
          .isInstanceOfSatisfying(CniException.class,
              e -> assertThat(e.code).isEqualTo(ErrorCode.GATEWAY_IN_USE));
      assertThat(requests).containsExactly(
          "PUT /ip/" + AgentHttp.segment("cni-gateway:10.40.0.1") + "/10.40.0.1/16",
          "POST /ip/" + AgentHttp.segment(POD.ident()) + "/10.40.0.0/16",
          delete(POD.ident()));
    }
  }

  /** An allocation answer the plugin cannot read is undone too: it may hold an address. */
  @Test
  void anUnreadableAllocationAnswerIsReleased() throws Exception {
    try (StandInAgent a = agent(line -> line.startsWith("POST ")
        ? new StandInAgent.Reply(200, "not an address")
        : new StandInAgent.Reply(204, ""))) {
      assertThatThrownBy(() -> plugin(a.port(), "10.40.0.1").add(POD, Optional.empty()))
          .isInstanceOfSatisfying(CniException.class,
              e -> assertThat(e.code).isEqualTo(ErrorCode.AGENT_REFUSED));
      assertThat(requests).last().isEqualTo(delete(POD.ident()));
    }
  }

  /** Checked before any request: a bad config must not leave a gateway claim behind. */
  @Test
  void aGatewayOutsideTheSubnetIsAnInvalidConfig() throws Exception {
    try (StandInAgent a = agent(line -> new StandInAgent.Reply(204, ""))) {
      assertThatThrownBy(() -> plugin(a.port(), "10.41.0.1").add(POD, Optional.empty()))
          .isInstanceOfSatisfying(CniException.class, e -> {
            assertThat(e.code.code).isEqualTo(7);
            assertThat(e.getMessage()).contains("10.41.0.1").contains("outside")
                .contains("10.40.0.0/16");
          });
      assertThat(requests).isEmpty();
    }
  }

  /** Without a 'subnet' the gateway is checked against the agent's default subnet, unclaimed. */
  @Test
  void aGatewayOutsideTheAgentsDefaultSubnetIsAnInvalidConfig() throws Exception {
    try (StandInAgent a = agent(line -> new StandInAgent.Reply(200, "10.32.0.0/12"))) {
      IpamPlugin plugin = new IpamPlugin(NetworkConfig.parse("{\"cniVersion\":\"1.0.0\","
          + "\"name\":\"podnet\",\"type\":\"bridge\",\"ipam\":{\"type\":\"weft-ipam\","
          + "\"gateway\":\"10.50.0.1\",\"agent\":\"127.0.0.1:" + a.port() + "\"}}"));
      assertThatThrownBy(() -> plugin.add(POD, Optional.empty()))
          .isInstanceOfSatisfying(CniException.class, e -> {
            assertThat(e.code.code).isEqualTo(7);
            assertThat(e.getMessage()).contains("10.50.0.1 lies outside the subnet 10.32.0.0/12");
          });
      assertThat(requests).containsExactly("GET /ipinfo/defaultsubnet");
    }
  }

  /** DEL frees the whole attachment, never one address (the README's API table says so). */
  @Test
  void delFreesTheAttachmentByIdentOnly() throws Exception {
    try (StandInAgent a = agent(line -> new StandInAgent.Reply(204, ""))) {
      plugin(a.port(), "10.40.0.1").del(POD);
      assertThat(requests).containsExactly(delete(POD.ident()));
    }
  }
}
