package io.weft.cni;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.net.Cidr;
import io.weft.net.Ip;
import io.weft.net.PrefixedAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CniResultTest {
  private static final CniResult RESULT = new CniResult(PrefixedAddress.parse("10.32.0.5/12"),
      Optional.of(Ip.parse("10.32.0.1")), List.of(
          new NetworkConfig.Route(Cidr.parse("0.0.0.0/0"), Optional.empty()),
          new NetworkConfig.Route(Cidr.parse("10.0.0.0/8"), Optional.of(Ip.parse("10.32.0.1")))));

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "0.3.0 | {\"cniVersion\":\"0.3.0\",\"ips\":[{\"version\":\"4\",\"address\":\"10.32.0.5/12\",\"gateway\":\"10.32.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"10.0.0.0/8\",\"gw\":\"10.32.0.1\"}]}",
      "0.3.1 | {\"cniVersion\":\"0.3.1\",\"ips\":[{\"version\":\"4\",\"address\":\"10.32.0.5/12\",\"gateway\":\"10.32.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"10.0.0.0/8\",\"gw\":\"10.32.0.1\"}]}",
      "0.4.0 | {\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":\"10.32.0.5/12\",\"gateway\":\"10.32.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"10.0.0.0/8\",\"gw\":\"10.32.0.1\"}]}",
      "1.0.0 | {\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\"10.32.0.5/12\",\"gateway\":\"10.32.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"10.0.0.0/8\",\"gw\":\"10.32.0.1\"}]}",
      "1.1.0 | {\"cniVersion\":\"1.1.0\",\"ips\":[{\"address\":\"10.32.0.5/12\",\"gateway\":\"10.32.0.1\"}],\"routes\":[{\"dst\":\"0.0.0.0/0\"},{\"dst\":\"10.0.0.0/8\",\"gw\":\"10.32.0.1\"}]}",
  })
  void rendersTheLayoutOfEachVersion(String version, String expected) {
    assertThat(Json.write(RESULT.render(CniVersion.of(version).orElseThrow())))
        .isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0.3.0,false,false", "0.3.1,false,false", "0.4.0,true,false", "1.0.0,true,false",
      "1.1.0,true,true"})
  void versionsSayWhichCommandsTheyHave(String version, boolean check, boolean gcAndStatus) {
    CniVersion v = CniVersion.of(version).orElseThrow();
    assertThat(v.hasCheck()).isEqualTo(check);
    assertThat(v.hasGcAndStatus()).isEqualTo(gcAndStatus);
  }

  @org.junit.jupiter.api.Test
  void onlyA110ResultCarriesTheNewRouteFields() {
    CniResult withMtu = new CniResult(PrefixedAddress.parse("10.32.0.5/12"), Optional.empty(),
        List.of(new NetworkConfig.Route(Cidr.parse("0.0.0.0/0"), Optional.empty(),
            java.util.Map.of("mtu", 1400L))));
    assertThat(Json.write(withMtu.render(CniVersion.V1_1_0)))
        .contains("\"routes\":[{\"dst\":\"0.0.0.0/0\",\"mtu\":1400}]");
    assertThat(Json.write(withMtu.render(CniVersion.V1_0_0)))
        .contains("\"routes\":[{\"dst\":\"0.0.0.0/0\"}]");
  }

  @org.junit.jupiter.api.Test
  void errorsAndVersionAnswersHaveTheSpecifiedKeys() {
    assertThat(Json.write(CniResult.error("1.0.0", new CniException(ErrorCode.TRY_AGAIN_LATER,
        "no \"agent\"", "at x")))).isEqualTo(
            "{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"no \\\"agent\\\"\",\"details\":\"at x\"}");
    assertThat(Json.write(CniResult.versions("0.4.0"))).isEqualTo("{\"cniVersion\":\"0.4.0\","
        + "\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]}");
  }
}
