package io.weft.cni;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The build's training run for the plugin's class-data-sharing archive: every command once
 * against a stand-in agent on loopback that answers like a real one, so that the archive holds
 * the classes a real call loads. Run with {@code -XX:ArchiveClassesAtExit=FILE}.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    try (StandInAgent agent = new StandInAgent(CdsTraining::answer)) {
      String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"training\",\"ipam\":{\"type\":"
          + "\"weft-ipam\",\"subnet\":\"10.32.0.0/12\",\"agent\":\"127.0.0.1:"
          + agent.port() + "\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]},"
          + "\"prevResult\":{\"ips\":[{\"address\":\"10.32.0.5/12\"}]},"
          + "\"cni.dev/valid-attachments\":[{\"containerID\":\"c\",\"ifname\":\"eth0\"}]}";
      PrintStream sink = new PrintStream(OutputStream.nullOutputStream(), false,
          StandardCharsets.UTF_8);
      for (Command command : Command.values()) {
        CniMain.run(Map.of("CNI_COMMAND", command.name(), "CNI_CONTAINERID", "c",
            "CNI_IFNAME", "eth0", "CNI_NETNS", "/proc/self/ns/net"), config, sink);
      }
      CniMain.run(Map.of("CNI_COMMAND", "ADD"), "not json", sink);
    }
  }

  private static StandInAgent.Reply answer(String request) {
    String body = request.startsWith("GET /ip ") ? "{\"owned\":[]}"
        : request.startsWith("GET /ip/") || request.startsWith("POST") ? "10.32.0.5/12"
        : request.startsWith("GET /ring") ? "{}" : "";
    return new StandInAgent.Reply(body.isEmpty() ? 204 : 200, body);
  }
}
