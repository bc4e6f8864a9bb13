package io.weft.cni;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * A stand-in for the agent's HTTP API on loopback, for the build's class-data-sharing training
 * runs (the plugin's and the CLI's): it answers each request, one connection at a time, with
 * what {@code answer} makes of the request's head, so that the client code under training takes
 * the paths a real agent's answers take.
 */
public final class StandInAgent implements AutoCloseable {
  /** An answer: the status code and the body. */
  public record Reply(int status, String body) {}

  private final ServerSocket server;

  public StandInAgent(Function<String, Reply> answer) throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread serving = new Thread(() -> serve(answer), "stand-in agent");
    serving.setDaemon(true);
    serving.start();
  }

  /** Its loopback port. */
  public int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }

  private void serve(Function<String, Reply> answer) {
    while (true) {
      try (Socket s = server.accept()) {
        Reply reply = answer.apply(readHead(s.getInputStream()));
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(("HTTP/1.1 " + reply.status() + " X\r\ncontent-length: "
            + bytes.length + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().write(bytes);
      } catch (IOException e) {
        return; // closed
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
