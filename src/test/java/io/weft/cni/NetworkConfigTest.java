package io.weft.cni;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.net.Cidr;
import io.weft.net.Ip;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkConfigTest {

  private static String config(String ipam) {
    return "{\"cniVersion\":\"1.0.0\",\"name\":\"podnet\",\"type\":\"bridge\",\"ipam\":" + ipam
        + "}";
  }

  @Test
  void readsEveryIpamKey() throws CniException {
    NetworkConfig c = NetworkConfig.parse(config("{\"type\":\"weft-ipam\",\"subnet\":"
        + "\"10.40.0.0/16\",\"gateway\":\"10.40.0.254\",\"routes\":[{\"dst\":\"0.0.0.0/0\"},"
        + "{\"dst\":\"192.168.0.0/24\",\"gw\":\"10.40.0.9\"}],\"agent\":\"127.0.0.2:7000\","
        + "\"timeoutSeconds\":5}"));
    assertThat(c.version()).isEqualTo(CniVersion.V1_0_0);
    assertThat(c.name()).isEqualTo("podnet");
    assertThat(c.ipam().subnet()).contains(Cidr.parse("10.40.0.0/16"));
    assertThat(c.ipam().gateway()).contains(Ip.parse("10.40.0.254"));
    assertThat(c.ipam().routes()).containsExactly(
        new NetworkConfig.Route(Cidr.parse("0.0.0.0/0"), Optional.empty()),
        new NetworkConfig.Route(Cidr.parse("192.168.0.0/24"), Optional.of(Ip.parse("10.40.0.9"))));
    assertThat(c.ipam().agentHost()).isEqualTo("127.0.0.2");
    assertThat(c.ipam().agentPort()).isEqualTo(7000);
    assertThat(c.ipam().timeoutSeconds()).isEqualTo(5);
  }

  /** The shipped example, as a runtime hands its first plugin to us (version and name added). */
  @Test
  @SuppressWarnings("unchecked")
  void theExampleNetworkConfigIsValid() throws Exception {
    Map<String, Object> list = (Map<String, Object>) Json.parse(
        Files.readString(Path.of("conf/10-weft.conflist")));
    Map<String, Object> bridge = new LinkedHashMap<>(
        (Map<String, Object>) ((List<Object>) list.get("plugins")).get(0));
    bridge.put("cniVersion", list.get("cniVersion"));
    bridge.put("name", list.get("name"));
    NetworkConfig c = NetworkConfig.parse(Json.write(bridge));
    assertThat(c.name()).isEqualTo("weft");
    assertThat(c.ipam().gateway()).contains(Ip.parse("10.32.0.1"));
    assertThat(bridge.get("type")).isEqualTo("bridge");
  }

  @Test
  void defaultsWhenTheIpamObjectNamesOnlyItsType() throws CniException {
    NetworkConfig c = NetworkConfig.parse(config("{\"type\":\"weft-ipam\"}"));
    assertThat(c.ipam().subnet()).isEmpty();
    assertThat(c.ipam().gateway()).isEmpty();
    assertThat(c.ipam().routes()).isEmpty();
    assertThat(c.ipam().agentHost() + ":" + c.ipam().agentPort()).isEqualTo("127.0.0.1:6784");
    assertThat(c.ipam().timeoutSeconds()).isEqualTo(30);
  }

  @Test
  void readsPrevResultAndValidAttachments() throws CniException {
    NetworkConfig c = NetworkConfig.parse("{\"cniVersion\":\"1.1.0\",\"name\":\"n\",\"ipam\":{},"
        + "\"prevResult\":{\"ips\":[{\"address\":\"10.32.0.7/12\"}]},"
        + "\"cni.dev/valid-attachments\":[{\"containerID\":\"abc\",\"ifname\":\"eth0\"}]}");
    assertThat(c.previousAddresses()).containsExactly("10.32.0.7/12");
    assertThat(c.validAttachments()).containsExactly(new Attachment("n", "abc", "eth0"));
  }

  /** Other plugins' addresses in prevResult (IPv6, malformed) never make a config invalid. */
  @Test
  void prevResultKeepsOnlyTheIpv4AddressesItCanRead() throws CniException {
    NetworkConfig c = NetworkConfig.parse("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{},"
        + "\"prevResult\":{\"ips\":[{\"address\":\"fd00::5/64\"},{\"address\":\"10.32.0.7\"},"
        + "7,{\"address\":\"10.32.0.8/12\"}]}}");
    assertThat(c.previousAddresses()).containsExactly("10.32.0.8/12");
    assertThat(NetworkConfig.parse("{\"cniVersion\":\"1.0.0\",\"name\":\"n\",\"ipam\":{},"
        + "\"prevResult\":\"nonsense\"}").previousAddresses()).isEmpty();
  }

  @Test
  void keepsTheRouteFieldsOfCni110() throws CniException {
    NetworkConfig c = NetworkConfig.parse(config("{\"routes\":[{\"dst\":\"0.0.0.0/0\","
        + "\"mtu\":1400,\"advmss\":1360,\"priority\":5,\"table\":100,\"scope\":0}]}"));
    assertThat(c.ipam().routes().get(0).extra()).containsExactly(
        java.util.Map.entry("mtu", 1400L), java.util.Map.entry("advmss", 1360L),
        java.util.Map.entry("priority", 5L), java.util.Map.entry("table", 100L),
        java.util.Map.entry("scope", 0L));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"subnet\":\"10.40.0.1/16\"}                      | host bits set",
      "{\"subnet\":\"nonsense\"}                          | 'subnet' is not a CIDR",
      "{\"subnet\":16}                                    | must be a string",
      "{\"subnet\":\"10.40.0.0/16\",\"gateway\":\"10.41.0.1\"} | outside 'subnet'",
      "{\"gateway\":\"10.40.0.300\"}                      | 'gateway' is not an IPv4",
      "{\"routes\":\"0.0.0.0/0\"}                         | must be a list",
      "{\"routes\":[{\"gw\":\"10.0.0.1\"}]}               | has no 'dst'",
      "{\"routes\":[{\"dst\":\"0.0.0.0/0\",\"mtu\":\"big\"}]}  | 'mtu' must be a whole number",
      "{\"agent\":\"localhost\"}                          | not host:port",
      "{\"agent\":\"localhost:99999\"}                    | not host:port",
      "{\"timeoutSeconds\":0}                             | from 1 to 3600",
      "{\"timeoutSeconds\":1.5}                           | whole number",
      "[]                                                 | 'ipam' must be a JSON object",
  })
  void refusesABadIpamObjectWithCode7(String ipam, String message) {
    assertThatThrownBy(() -> NetworkConfig.parse(config(ipam)))
        .isInstanceOfSatisfying(CniException.class,
            e -> assertThat(e.code).isEqualTo(ErrorCode.INVALID_NETWORK_CONFIG))
        .hasMessageContaining(message);
  }

  @Test
  void refusesAConfigWithoutNameOrIpamOrWithABadName() {
    for (String bad : List.of("{\"cniVersion\":\"1.0.0\",\"ipam\":{}}",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"n\"}",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"a b\",\"ipam\":{}}",
        "{\"cniVersion\":\"1.0.0\",\"name\":\"" + "n".repeat(83) + "\",\"ipam\":{}}",
        "{\"name\":\"n\",\"ipam\":{}}")) {
      assertThatThrownBy(() -> NetworkConfig.parse(bad)).as(bad)
          .isInstanceOfSatisfying(CniException.class,
              e -> assertThat(e.code).isEqualTo(ErrorCode.INVALID_NETWORK_CONFIG));
    }
  }

  @Test
  void notJsonIsCode6AndAnUnknownVersionCode1() {
    assertThatThrownBy(() -> NetworkConfig.parse("{\"cniVersion\": "))
        .isInstanceOfSatisfying(CniException.class,
            e -> assertThat(e.code).isEqualTo(ErrorCode.DECODING_FAILURE));
    assertThatThrownBy(() -> NetworkConfig.parse("{\"cniVersion\":\"0.2.0\",\"name\":\"n\","
        + "\"ipam\":{}}"))
        .isInstanceOfSatisfying(CniException.class,
            e -> assertThat(e.code).isEqualTo(ErrorCode.INCOMPATIBLE_CNI_VERSION))
        .hasMessageContaining("0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0");
  }
}
