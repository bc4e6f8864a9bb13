package io.weft.cni;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Requests to the local agent's HTTP API with the JDK's {@link HttpURLConnection}: it starts in
 * milliseconds, where {@code java.net.http.HttpClient} starts a selector thread and loads several
 * times the classes. Every request has a deadline; one that passes it closes the connection,
 * which makes the agent cancel the waiting request.
 */
final class AgentHttp {
  private static final int CONNECT_TIMEOUT_MS = 2_000;

  static {
    // A POST that fails on a reused connection must not be sent twice: the agent may have acted.
    System.setProperty("sun.net.http.retryPost", "false");
    System.setProperty("http.keepAlive", "false");
  }

  record Response(int status, String body) {
    boolean ok() {
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

  private final String base;

  AgentHttp(String host, int port) {
    this.base = "http://" + host + ":" + port;
  }

  String base() {
    return base;
  }

  /** Encodes one path segment (an ident) for the URL. */
  static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Sends {@code method path} and reads the whole answer, waiting at most until the deadline. */
  Response send(String method, String path, long deadlineNanos) throws Unanswered {
    long leftMs = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
    HttpURLConnection connection;
    try {
      connection = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
    } catch (IOException e) {
      throw new Unanswered("cannot open " + base + path + ": " + e.getMessage(), false);
    }
    boolean connected = false;
    try {
      connection.setRequestMethod(method);
      connection.setConnectTimeout((int) Math.min(CONNECT_TIMEOUT_MS, leftMs));
      connection.setReadTimeout((int) Math.min(Integer.MAX_VALUE, leftMs));
      connection.setUseCaches(false);
      connection.connect();
      connected = true;
      int status = connection.getResponseCode();
      InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      String text = body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8);
      return new Response(status, text.strip());
    } catch (SocketTimeoutException e) {
      throw new Unanswered(connected
          ? "the weft agent at " + base + " did not answer " + method + " " + path + " in time"
          : "the weft agent at " + base + " did not accept a connection in time", connected);
    } catch (IOException e) {
      throw new Unanswered("no weft agent answers at " + base + " (" + e.getMessage()
          + "): start it (systemctl start weft, or weft launch) or set ipam 'agent' to its"
          + " --http-addr", connected);
    } finally {
      connection.disconnect();
    }
  }
}
