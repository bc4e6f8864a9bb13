package io.weft.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.weft.cni.AttachmentCount;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code cni} object of {@code /status}. */
class StatusReportTest {
  @Test
  void cniCountsAttachmentsPerNetwork() {
    JsonObject cni = StatusReport.cni(AttachmentCount.of(List.of("cni:podman-weft:eth0:c1",
        "cni:podman-weft::" + "a".repeat(40), "cni:k8s:eth0:sandbox", "cni-gateway:10.32.0.1",
        "my-app")));

    assertThat(cni).isEqualTo(new JsonObject("""
        {"attachments": 3, "networks": {"k8s": 1, "podman-weft": 2}}"""));
  }

  @Test
  void noAttachmentsIsAnEmptyCount() {
    assertThat(StatusReport.cni(AttachmentCount.of(List.of("my-app"))))
        .isEqualTo(new JsonObject("""
            {"attachments": 0, "networks": {}}"""));
  }
}
