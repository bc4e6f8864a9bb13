package io.weft.cli;

import io.weft.cni.StandInAgent;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * The training run for the client commands' class-data-sharing archive ({@code weft-cli.jsa}):
 * each client command once against a stand-in agent on loopback that answers like a real one,
 * and once with no agent, so that the archive holds the classes a real command loads. Run with
 * {@code -XX:ArchiveClassesAtExit=FILE} and the launcher's client flags.
 */
public final class CdsTraining {
  private CdsTraining() {}

  public static void main(String[] args) throws Exception {
    PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream());
    try (StandInAgent agent = new StandInAgent(CdsTraining::answer)) {
      String at = "127.0.0.1:" + agent.port();
      String[][] commands = {{"status"}, {"status", "--json"}, {"status", "ipam"},
          {"allocate", "c1"}, {"claim", "c1", "10.32.0.9/12"}, {"lookup", "c1"},
          {"release", "c1"}, {"consense"}, {"rmpeer", "x"}, {"reset"}};
      for (String[] command : commands) {
        String[] withAddr = java.util.Arrays.copyOf(command, command.length + 2);
        withAddr[command.length] = "--http-addr";
        withAddr[command.length + 1] = at;
        Main.run(sink, sink, withAddr);
      }
      Main.run(sink, sink, "help", "status");
      Main.run(sink, sink, "status", "--http-addr", "nonsense");
    }
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed.close();
      Main.run(sink, sink, "status", "--http-addr", "127.0.0.1:" + closed.getLocalPort());
    }
  }

  private static final String STATUS = "{\"version\":\"t\",\"name\":\"0a:00:00:00:00:01\","
      + "\"nickname\":\"t\",\"consensus\":\"achieved\",\"quorum\":1,\"knownElectors\":1,"
      + "\"range\":\"10.32.0.0/12\",\"defaultSubnet\":\"10.32.0.0/12\",\"activeAddresses\":1,"
      + "\"pendingAllocations\":0,\"pendingClaims\":0,\"peers\":[{\"name\":\"0a:00:00:00:00:01\","
      + "\"nickname\":\"t\",\"owned\":1048576,\"free\":1048575,\"reachable\":true}],"
      + "\"docker\":\"disabled\",\"persistence\":\"sqlite\",\"store\":\"ok\",\"errors\":[]}";

  private static StandInAgent.Reply answer(String request) {
    if (request.startsWith("DELETE /peer/")) {
      return new StandInAgent.Reply(400, "cannot remove: training");
    }
    return new StandInAgent.Reply(200, request.startsWith("GET /status ") ? STATUS
        : "10.32.0.5/12");
  }
}
