package io.weft.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The image of {@code docker/Dockerfile}, built with Podman offline on the local base that
 * {@code .ci/systemd-base} makes, run as the Dockerfile's comment says: host networking and a
 * volume for the state. Its own ports, so that it cannot meet another agent on this host.
 */
class ImageIT {
  private static final String IMAGE = "localhost/weft-it-image:latest";
  private static final String VOLUME = "weft-it-image-state";
  private static final List<String> CONTAINERS = List.of("weft-it-image-1", "weft-it-image-2");
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).build();

  private Podman podman;

  @BeforeEach
  void clean() {
    podman = Podman.fromEnvironment();
    assumeTrue(podman != null,
        "no local base image (source .ci/systemd-base to set WEFT_TEST_SYSTEMD_BASE)");
    removeAll();
  }

  @AfterEach
  void removeAll() {
    if (podman == null) {
      return;
    }
    CONTAINERS.forEach(podman::removeContainer);
    podman.run(Duration.ofMinutes(1), "volume", "rm", "--force", VOLUME);
    podman.run(Duration.ofMinutes(1), "rmi", "--force", IMAGE);
  }

  @Test
  void buildsOfflineAndRunsWithHostNetworkingKeepingStateInAVolume() throws Exception {
    Path root = AgentProcess.jar().getParent().getParent();
    podman.ok("build", "--network", "none", "--pull=never", "-f", "docker/Dockerfile",
        "--build-arg", "BASE=" + podman.base, "-t", IMAGE, root.toString());
    long image = Long.parseLong(podman.ok("image", "inspect", "--format", "{{.Size}}", IMAGE));
    long base = Long.parseLong(podman.ok("image", "inspect", "--format", "{{.Size}}",
        podman.base));
    System.out.printf("image %s: %.1f MB (base %.1f MB, weft's layers %.1f MB)%n", IMAGE,
        image / 1e6, base / 1e6, (image - base) / 1e6);

    int http = AgentProcess.freePort();
    int cluster = AgentProcess.freePort();
    int bus = AgentProcess.freePort();
    List<String> launch = List.of("launch", "--config", "/etc/weft/weft.yaml",
        "--http-addr", "127.0.0.1:" + http, "--cluster-addr", "127.0.0.1:" + cluster,
        "--bus-port", String.valueOf(bus), "--bridge-addr", "none", "--docker-host", "none",
        "--cluster-name", AgentProcess.CLUSTER);

    run(CONTAINERS.get(0), launch);
    awaitReady(http);
    String address = send("POST", http, "/ip/image-1");
    assertThat(address).matches("10\\.(3[2-9]|4[0-7])\\.\\d+\\.\\d+/12");
    podman.ok("stop", "--time", "30", CONTAINERS.get(0));
    assertThat(podman.ok("inspect", "--format", "{{.State.ExitCode}}", CONTAINERS.get(0)))
        .as("SIGTERM: the agent leaves and exits 0").isEqualTo("0");

    run(CONTAINERS.get(1), launch);
    awaitReady(http);
    assertThat(send("GET", http, "/ip/image-1")).as("the allocation lived in the volume")
        .isEqualTo(address);
  }

  private void run(String name, List<String> launch) {
    List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name,
        "--network", "host", "-v", VOLUME + ":/var/lib/weft", IMAGE));
    args.addAll(launch);
    podman.ok(args.toArray(String[]::new));
  }

  private void awaitReady(int port) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (true) {
      try {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
          assertThat(response.body()).as("our agent, with its state in the volume")
              .contains("/var/lib/weft/weft.db");
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      assertThat(System.nanoTime()).as("ready within 120 s").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static String send(String method, int port, String path) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body())
        .isEqualTo(200);
    return response.body().strip();
  }
}
