package io.weft.it;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.weft.agent.cluster.ClusterSettings;
import io.weft.agent.cluster.HazelcastSettings;
import io.weft.agent.cluster.PeerTls;
import io.weft.net.HostPort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stranger: joins the agents' Hazelcast cluster with Vert.x clustering, as weft does, but is no
 * weft agent. It listens to {@code weft.gossip}, publishes the forged messages in a file (one JSON
 * object per line) there and sends them to {@code weft.peer.NAME}, then reports what it heard.
 *
 * <p>Arguments: cluster name, an agent's cluster address, own cluster port, own bus port, the
 * forged-messages file, the direct target's peer name, and optionally cert key ca (PEM) to
 * present a certificate (from another CA). With {@code -Drogue.name=PEER} it writes forged weft
 * node metadata claiming that peer name; with {@code -Drogue.hold=true} it stays in the cluster
 * after reporting until its standard input closes.
 */
public final class Rogue {
  public static void main(String[] args) throws Exception {
    ClusterSettings settings = new ClusterSettings(args[0], Optional.of("127.0.0.1"),
        Integer.parseInt(args[2]), List.of(HostPort.parse(args[1], 6783)));
    HazelcastClusterManager manager =
        new HazelcastClusterManager(HazelcastSettings.create(settings));
    EventBusOptions bus = new EventBusOptions().setHost("127.0.0.1")
        .setClusterPublicHost("127.0.0.1").setPort(Integer.parseInt(args[3]));
    String forgedName = System.getProperty("rogue.name");
    if (forgedName != null) {
      bus.setClusterNodeMetadata(io.weft.agent.cluster.Member.metadata(forgedName, "forged",
          "127.0.0.1:1", false, 0L));
    }
    if (args.length >= 9) {
      PeerTls.of(Path.of(args[6]), Path.of(args[7]), Path.of(args[8]), Instant.now()).apply(bus);
    }
    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventBusOptions(bus))
        .withClusterManager(manager).buildClustered().await(60, TimeUnit.SECONDS);
    AtomicInteger heard = new AtomicInteger();
    // Its own publications come back to it: only the agents' messages count.
    java.util.Set<Buffer> own = new java.util.HashSet<>();
    for (String line : Files.readAllLines(Path.of(args[4]))) {
      own.add(new JsonObject(line).toBuffer());
    }
    vertx.eventBus().<Buffer>consumer("weft.gossip", m -> {
      if (!own.contains(m.body())) {
        heard.incrementAndGet();
      }
    }).completion().await(10, TimeUnit.SECONDS);
    Thread.sleep(3000);
    for (String line : Files.readAllLines(Path.of(args[4]))) {
      Buffer forged = new JsonObject(line).toBuffer();
      vertx.eventBus().publish("weft.gossip", forged);
      vertx.eventBus().send("weft.peer." + args[5], forged);
    }
    System.out.println("rogue: published " + Files.readAllLines(Path.of(args[4])).size()
        + " forged message(s)");
    Thread.sleep(8000);
    System.out.println("rogue: heard " + heard.get() + " gossip message(s)");
    System.out.flush();
    if (Boolean.getBoolean("rogue.hold")) {
      System.in.readAllBytes();
    }
    vertx.close().await(15, TimeUnit.SECONDS);
    System.exit(0);
  }
}
