package io.weft.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for tests to give an agent or a cluster member before it binds them. Each is free when
 * handed out, lies below the kernel's ephemeral range, and is never handed out twice in one JVM.
 *
 * <p>A port from {@code new ServerSocket(0)} comes from the ephemeral range, so between handing
 * it out and the bind, another socket's ephemeral port may take it: an outgoing connection of
 * another process, a member dialling a peer that does not listen yet (which on loopback can
 * connect to itself), or another member's event bus bound to port 0. Hazelcast then fails with
 * "Port ... is already in use". Below the range only an explicit bind can take a port.
 */
public final class FreePorts {
  private static final int FROM = 15_000;
  private static final int TO = ephemeralLow();
  private static final AtomicInteger next = new AtomicInteger(new Random().nextInt(TO - FROM));

  private FreePorts() {}

  /** A port nothing listens on now, below the ephemeral range, not handed out before. */
  public static int next() throws IOException {
    for (int tries = 0; tries < 1000; tries++) {
      int port = FROM + Math.floorMod(next.getAndIncrement(), TO - FROM);
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress("0.0.0.0", port));
        return port;
      } catch (IOException taken) {
        // in use: try the next one
      }
    }
    throw new IOException("no free port between " + FROM + " and " + TO);
  }

  private static int ephemeralLow() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
      return Math.max(FROM + 1000, Integer.parseInt(range.trim().split("\\s+")[0]));
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }
}
