package io.weft.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The HTTP client of Weave Net's {@code api} package, re-created with its exact rules, so that a
 * test can tell whether Weave's own tools (its CLI, Docker IPAM driver and CNI plugin) work
 * against weft unchanged:
 * <ul>
 *   <li>a call with values sends them as an {@code application/x-www-form-urlencoded} body, even
 *       when there are none (allocate and claim always pass a value set, maybe empty); lookup,
 *       release and rmpeer send no body at all;
 *   <li>200 and 204 are success and the body is returned as it is; any other status is an error
 *       {@code "<status line>: <body>"};
 *   <li>address answers are parsed with a strict CIDR parser, without trimming: a trailing newline
 *       or space is a parse error, as in Go's {@code net.ParseCIDR}.
 * </ul>
 */
final class WeaveClient {
  /** Weave's token for "no container ID": the allocation is filed under its address. */
  static final String NO_CONTAINER_ID = "_";
  private static final Pattern CIDR = Pattern.compile(
      "(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})\\.(0|[1-9][0-9]{0,2})"
          + "/(0|[1-9][0-9]?)");
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  private final String baseUrl;

  WeaveClient(String httpAddr) {
    this.baseUrl = "http://" + httpAddr;
  }

  /** What Go's {@code net.ParseCIDR} accepts for IPv4, byte for byte. */
  static String parseCidr(String body) {
    Matcher m = CIDR.matcher(body);
    if (!m.matches()) {
      throw new WeaveError("invalid CIDR address: " + body);
    }
    for (int i = 1; i <= 4; i++) {
      if (Integer.parseInt(m.group(i)) > 255) {
        throw new WeaveError("invalid CIDR address: " + body);
      }
    }
    if (Integer.parseInt(m.group(5)) > 32) {
      throw new WeaveError("invalid CIDR address: " + body);
    }
    return body;
  }

  static Map<String, String> ipamValues(boolean checkAlive) {
    Map<String, String> values = new LinkedHashMap<>();
    if (checkAlive) {
      values.put("check-alive", "true");
    }
    return values;
  }

  String allocateIp(String id, boolean checkAlive) {
    return parseCidr(httpVerb("POST", "/ip/" + id, ipamValues(checkAlive)));
  }

  String allocateIpInSubnet(String id, String subnet, boolean checkAlive) {
    return parseCidr(httpVerb("POST", "/ip/" + id + "/" + subnet, ipamValues(checkAlive)));
  }

  String lookupIp(String id) {
    return parseCidr(httpVerb("GET", "/ip/" + id, null));
  }

  void claimIp(String id, String cidr, boolean checkAlive) {
    httpVerb("PUT", "/ip/" + id + "/" + cidr, ipamValues(checkAlive));
  }

  void releaseIpsFor(String id) {
    httpVerb("DELETE", "/ip/" + id, null);
  }

  String rmPeer(String peerName) {
    return httpVerb("DELETE", "/peer/" + peerName, null);
  }

  String defaultSubnet() {
    return parseCidr(httpVerb("GET", "/ipinfo/defaultsubnet", null));
  }

  /** Weave's {@code httpVerb}: a form body when values are given, the raw body back on 200/204. */
  String httpVerb(String verb, String path, Map<String, String> values) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(60));
    if (values == null) {
      request.method(verb, HttpRequest.BodyPublishers.noBody());
    } else {
      String form = values.entrySet().stream()
          .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
              + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
          .collect(Collectors.joining("&"));
      request.method(verb, HttpRequest.BodyPublishers.ofString(form))
          .header("Content-Type", "application/x-www-form-urlencoded");
    }
    HttpResponse<String> response;
    try {
      response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new WeaveError(verb + " " + path + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WeaveError(verb + " " + path + ": interrupted");
    }
    if (response.statusCode() == 200 || response.statusCode() == 204) {
      return response.body();
    }
    throw new WeaveError(response.statusCode() + ": " + response.body());
  }

  /** An error as Weave's client reports it. */
  static final class WeaveError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    WeaveError(String message) {
      super(message);
    }
  }
}
