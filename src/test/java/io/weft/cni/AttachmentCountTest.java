package io.weft.cni;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Counting CNI attachments from a peer's idents, as {@code /status} does. */
class AttachmentCountTest {
  private static final String CONTAINER = "0123456789abcdef".repeat(4);

  @Test
  void countsBothIdentFormsPerNetwork() {
    List<String> idents = List.of(
        new Attachment("podman-weft", CONTAINER, "eth0").ident(),
        new Attachment("podman-weft", CONTAINER, "eth1").ident(),
        new Attachment("podman-weft", "x".repeat(200), "eth0").ident(), // the digest form
        new Attachment("k8s.pods", "sandbox1", "eth0").ident());

    AttachmentCount count = AttachmentCount.of(idents);

    assertThat(count.attachments()).isEqualTo(4);
    assertThat(count.byNetwork()).containsExactly(Map.entry("k8s.pods", 1),
        Map.entry("podman-weft", 3));
  }

  @Test
  void leavesOutEveryOtherIdent() {
    List<String> idents = List.of(
        Attachment.gatewayIdent("10.32.0.1"), // the gateway claim is no attachment
        CONTAINER,                            // a Docker container
        "10.32.0.5",                          // an anonymous allocation, filed by address
        "docker-ep.10.32.0.0-24.abc",         // a Docker network endpoint
        "weave:expose", "my-app", "cnix:net:eth0:c1",
        "cni:", "cni:net", "cni:net:", "cni::eth0:c1"); // cut short or without a network

    AttachmentCount count = AttachmentCount.of(idents);

    assertThat(count.attachments()).isZero();
    assertThat(count.byNetwork()).isEmpty();
  }

  @Test
  void mixedIdentsCountOnlyTheAttachments() {
    List<String> idents = List.of("my-app", new Attachment("weft", "c1", "eth0").ident(),
        Attachment.gatewayIdent("10.32.0.1"), new Attachment("weft", "c2", "eth0").ident());

    assertThat(AttachmentCount.of(idents))
        .isEqualTo(new AttachmentCount(2, new TreeMap<>(Map.of("weft", 2))));
  }
}
