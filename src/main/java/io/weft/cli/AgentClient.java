package io.weft.cli;

import io.weft.net.HostPort;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** The CLI's side of the HTTP API: one blocking request at a time to the agent. */
final class AgentClient {

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
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(3)).build();

  AgentClient(HostPort agent) {
    this.agent = agent;
  }

  /** Sends a request; {@code path} is already encoded. Waits as long as the agent does. */
  Response send(String method, String path) throws Unreachable {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + agent + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.body().strip());
    } catch (ConnectException | HttpTimeoutException e) {
      throw unreachable();
    } catch (IOException e) {
      throw new Unreachable("the weft agent at http://" + agent + " did not answer: " + e
          + ". Is it running?");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted while waiting for the agent at http://" + agent);
    }
  }

  private Unreachable unreachable() {
    return new Unreachable("no weft agent answers at http://" + agent
        + ": start one with 'weft launch', or point --http-addr at a running agent");
  }
}
