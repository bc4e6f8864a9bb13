package io.weft.cni;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Requests to the local agent's HTTP API over a plain socket, one connection per request
 * ({@code Connection: close}). The JDK's clients cost the plugin most of its run: the first
 * {@code HttpURLConnection} request initialises proxy selection, URL handlers and their
 * security checks (about 60 ms measured here, more than the three requests an ADD makes), and
 * {@code java.net.http.HttpClient} starts a selector thread on top. The agent answers a small,
 * known set of responses, which is all this reads. The CLI parses its answers here too. Every request has a deadline; one that passes
 * it closes the connection, which makes the agent cancel the waiting request.
 */
public final class AgentHttp {
  private static final int CONNECT_TIMEOUT_MS = 2_000;
  /** The agent's answers are a line or a small JSON document; more is not an agent's answer. */
  private static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

  public record Response(int status, String body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** The agent did not answer in time (or at all): the runtime may retry later. */
  static final class Unanswered extends Exception {
    final boolean connected;

    Unanswered(String message, boolean connected) {
      super(message, null, false, false);
      this.connected = connected;
    }
  }

  private final String host;
  private final int port;

  AgentHttp(String host, int port) {
    this.host = host;
    this.port = port;
  }

  String base() {
    return "http://" + host + ":" + port;
  }

  /** Encodes one path segment (an ident) for the URL. */
  static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Sends {@code method path} and reads the whole answer, waiting at most until the deadline. */
  Response send(String method, String path, long deadlineNanos) throws Unanswered {
    boolean connected = false;
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port),
          (int) Math.min(CONNECT_TIMEOUT_MS, leftMs(deadlineNanos)));
      connected = true;
      OutputStream out = socket.getOutputStream();
      out.write((method + " " + path + " HTTP/1.1\r\nHost: " + host + ":" + port
          + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return read(socket, deadlineNanos);
    } catch (SocketTimeoutException e) {
      throw new Unanswered(connected
          ? "the weft agent at " + base() + " did not answer " + method + " " + path + " in time"
          : "the weft agent at " + base() + " did not accept a connection in time", connected);
    } catch (IOException e) {
      throw new Unanswered("no weft agent answers at " + base() + " (" + e.getMessage()
          + "): start it (systemctl start weft, or weft launch) or set ipam 'agent' to its"
          + " --http-addr", connected);
    }
  }

  private static long leftMs(long deadlineNanos) {
    return Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
  }

  /** Reads until the agent closes the connection, re-arming the read timeout to the deadline. */
  private static Response read(Socket socket, long deadlineNanos) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (true) {
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMs(deadlineNanos)));
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      all.write(buffer, 0, n);
      if (all.size() > MAX_RESPONSE_BYTES) {
        throw new IOException("the answer is larger than " + MAX_RESPONSE_BYTES + " bytes");
      }
      if (System.nanoTime() - deadlineNanos > 0) {
        throw new SocketTimeoutException("deadline passed");
      }
    }
    return parse(all.toByteArray());
  }

  /** An HTTP/1.1 response read to its end: status line, headers, then a plain or chunked body. */
  public static Response parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.") || headEnd < 0 || text.length() < 12) {
      throw new IOException("not an HTTP response");
    }
    int status;
    try {
      status = Integer.parseInt(text.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new IOException("bad HTTP status line");
    }
    boolean chunked = false;
    for (String header : text.substring(0, headEnd).split("\r\n")) {
      String lower = header.toLowerCase(Locale.ROOT);
      chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
    }
    byte[] body = java.util.Arrays.copyOfRange(raw, headEnd + 4, raw.length);
    if (chunked) {
      body = dechunk(body);
    }
    return new Response(status, new String(body, StandardCharsets.UTF_8).strip());
  }

  private static byte[] dechunk(byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int at = 0;
    while (true) {
      int lineEnd = indexOfCrLf(body, at);
      if (lineEnd < 0) {
        throw new IOException("a chunked body ended early");
      }
      String sizeText = new String(body, at, lineEnd - at, StandardCharsets.US_ASCII);
      int semicolon = sizeText.indexOf(';');
      int size;
      try {
        size = Integer.parseInt((semicolon < 0 ? sizeText : sizeText.substring(0, semicolon))
            .strip(), 16);
      } catch (NumberFormatException e) {
        throw new IOException("bad chunk size '" + sizeText + "'");
      }
      if (size == 0) {
        return out.toByteArray();
      }
      int start = lineEnd + 2;
      if (size < 0 || start + size > body.length) {
        throw new IOException("a chunked body ended early");
      }
      out.write(body, start, size);
      at = start + size + 2;
    }
  }

  private static int indexOfCrLf(byte[] bytes, int from) {
    for (int i = from; i + 1 < bytes.length; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
