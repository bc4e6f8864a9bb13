package io.weft.cni;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread agent = new Thread(() -> serve(server), "stand-in agent");
      agent.setDaemon(true);
      agent.start();
      String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"training\",\"ipam\":{\"type\":"
          + "\"weft-ipam\",\"subnet\":\"10.32.0.0/12\",\"agent\":\"127.0.0.1:"
          + server.getLocalPort() + "\",\"routes\":[{\"dst\":\"0.0.0.0/0\"}]},"
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

  private static void serve(ServerSocket server) {
    while (true) {
      try (Socket s = server.accept()) {
        String request = readHead(s.getInputStream());
        String body = request.startsWith("GET /ip ") ? "{\"owned\":[]}"
            : request.startsWith("GET /ip/") || request.startsWith("POST") ? "10.32.0.5/12"
            : request.startsWith("GET /ring") ? "{}" : "";
        int status = body.isEmpty() ? 204 : 200;
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
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    for (int b = in.read(); b >= 0; b = in.read()) {
      head.write(b);
      last4 = (last4 << 8) | b;
      if (last4 == 0x0d0a0d0a) {
        break;
      }
    }
    return head.toString(StandardCharsets.UTF_8);
  }
}
