package io.weft.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The human status says when the agent's store cannot write, and stays quiet when it can. */
class StatusCommandTest {
  private static Map<String, Object> status(Object store) {
    Map<String, Object> fields = new java.util.HashMap<>(Map.of("version", "t", "name",
        "0a:00:00:00:00:01", "nickname", "t", "peers", List.of(), "errors", List.of(),
        "persistence", "sqlite"));
    if (store != null) {
      fields.put("store", store);
    }
    return fields;
  }

  @Test
  void aFullStoreIsShownOnThePersistenceLine() {
    assertThat(StatusCommand.human(status("full: cannot write to /d/weft.db: database or disk is"
        + " full"))).contains("Persistence: sqlite - store full: cannot write to /d/weft.db:"
            + " database or disk is full!");
    assertThat(StatusCommand.human(status("ok"))).endsWith("Persistence: sqlite");
    // An older agent sends no store field.
    assertThat(StatusCommand.human(status(null))).endsWith("Persistence: sqlite");
  }

  /** Peers owning nothing are left out; the others keep /status's order, this peer first. */
  @Test
  void ipamJsonListsTheOwnersInStatusOrder() {
    Map<String, Object> status = Map.of("range", "10.9.0.0/16", "peers", List.of(
        Map.of("name", "0a:00:00:00:00:02", "nickname", "b", "reachable", true, "owned", 100,
            "free", 90, "removed", false),
        Map.of("name", "0a:00:00:00:00:01", "nickname", "a", "reachable", false, "owned", 0L,
            "free", 0, "removed", false),
        Map.of("name", "0a:00:00:00:00:03", "nickname", "c", "reachable", false,
            "owned", 65436L, "free", 65000, "removed", false)));
    assertThat(io.weft.cni.Json.write(StatusCommand.ipam(status))).isEqualTo("{\"range\":"
        + "\"10.9.0.0/16\",\"peers\":[{\"name\":\"0a:00:00:00:00:02\",\"nickname\":\"b\","
        + "\"owned\":100,\"free\":90,\"reachable\":true},{\"name\":\"0a:00:00:00:00:03\","
        + "\"nickname\":\"c\",\"owned\":65436,\"free\":65000,\"reachable\":false}]}");
  }
}
