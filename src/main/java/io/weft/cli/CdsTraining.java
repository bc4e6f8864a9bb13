package io.weft.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

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
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread agent = new Thread(() -> serve(server), "stand-in agent");
      agent.setDaemon(true);
      agent.start();
      String at = "127.0.0.1:" + server.getLocalPort();
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
      + "\"docker\":\"disabled\",\"persistence\":\"sqlite\",\"errors\":[]}";

  private static void serve(ServerSocket server) {
    while (true) {
      try (Socket s = server.accept()) {
        String request = readHead(s.getInputStream());
        String body = request.startsWith("GET /status ") ? STATUS
            : request.startsWith("DELETE /peer/") ? "cannot remove: training" : "10.32.0.5/12";
        int status = request.startsWith("DELETE /peer/") ? 400 : 200;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(("HTTP/1.1 " + status + " X\r\ncontent-length: "
            + bytes.length + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().write(bytes);
      } catch (IOException e) {
        return;
      }
    }
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int b;
    while ((b = in.read()) >= 0) {
      head.append((char) b);
      if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
        break;
      }
    }
    return head.toString();
  }
}
