package io.weft.cli;

import io.weft.cni.AgentHttp;
import io.weft.net.HostPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The CLI's side of the HTTP API: one blocking request at a time to the agent, over a plain
 * socket with {@code Connection: close}. Operators and scripts run these commands constantly:
 * {@code java.net.http.HttpClient} initialises the JDK's TLS stack (about 180 classes) and a
 * selector thread even for plain HTTP, a large part of a short command's run; the agent's
 * answers are a line or a small JSON document, which is all this reads.
 */
final class AgentClient {
  private static final int CONNECT_TIMEOUT_MS = 3_000;

  /** No agent answered at all (exit code 3). */
  static final class Unreachable extends Exception {
    Unreachable(String message) {
      super(message, null, false, false);
    }
  }

  record Response(int status, String body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final HostPort agent;

  AgentClient(HostPort agent) {
    this.agent = agent;
  }

  /** Sends a request; {@code path} is already encoded. Waits as long as the agent does. */
  Response send(String method, String path) throws Unreachable {
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(agent.host(), agent.port()), CONNECT_TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      out.write((method + " " + path + " HTTP/1.1\r\nHost: " + agent
          + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      AgentHttp.Response response = AgentHttp.parse(readAll(socket.getInputStream()));
      return new Response(response.status(), response.body());
    } catch (ConnectException | SocketTimeoutException e) {
      throw new Unreachable("no weft agent answers at http://" + agent
          + ": start one with 'weft launch', or point --http-addr at a running agent");
    } catch (IOException e) {
      throw new Unreachable("the weft agent at http://" + agent + " did not answer: " + e
          + ". Is it running?");
    }
  }

  /** The agent closes the connection after its answer. */
  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    in.transferTo(all);
    return all.toByteArray();
  }
}
