package io.weft.net;

/** A {@code host:port} pair as the flags take them; the host may be a name or an IPv4 address. */
public record HostPort(String host, int port) {

  public HostPort {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("the host is empty");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 0..65535");
    }
  }

  /**
   * Parses {@code host:port}, or {@code host} alone when {@code defaultPort} is not negative.
   * Port 0 is refused: every weft port is one that others must be able to find.
   */
  public static HostPort parse(String text, int defaultPort) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("'" + text + "' is empty: write host:port");
    }
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      if (defaultPort < 0) {
        throw new IllegalArgumentException("'" + text + "' has no port: write host:port");
      }
      return new HostPort(checkHost(text), defaultPort);
    }
    String host = checkHost(text.substring(0, colon));
    return new HostPort(host, parsePort(text.substring(colon + 1), text));
  }

  public static int parsePort(String portText, String whole) {
    if (portText.isEmpty() || portText.length() > 5
        || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("'" + whole + "' has a bad port: use a number 1..65535");
    }
    int port = Integer.parseInt(portText);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + whole + "' has port " + port
          + ", outside 1..65535");
    }
    return port;
  }

  private static String checkHost(String host) {
    if (host.isEmpty() || !host.matches("[A-Za-z0-9.\\-]+")) {
      throw new IllegalArgumentException("'" + host + "' is not a host name or IPv4 address");
    }
    return host;
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
