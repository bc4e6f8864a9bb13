package io.weft.agent.cluster;

import static io.weft.testing.LoopbackCluster.await;
import static io.weft.testing.LoopbackCluster.freePort;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.net.PemKeyCertOptions;
import io.weft.testing.LoopbackCluster;
import io.weft.tls.CertificateAuthority;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's side of an event-bus connection it opens checks the other member's certificate
 * against the cluster CA, as the side that accepts one does. Vert.x's event bus trusts every
 * server certificate unless told not to, so an agent wrote to any member that ran a TLS server:
 * a stranger whose server asks for no client certificate read what was routed to it, and an
 * agent from another CA took the connection until its own check of this agent's certificate
 * closed it, failing the writes already made (Vert.x's "Promise already completed", see
 * {@link LostBusWrites}).
 */
class PeerTlsTest {
  private static final String ADDRESS = "weft.gossip";
  private final LoopbackCluster cluster = new LoopbackCluster();
  @TempDir Path dir;

  @AfterEach
  void close() throws Exception {
    cluster.close();
  }

  @Test
  void anAgentWritesNothingToAServerWhoseCertificateAnotherCaSigned() throws Exception {
    Path ca = ca("ca", "a");
    Path other = ca("other", "x");
    int agentPort = freePort();
    int strangerPort = freePort();
    PeerTls tls = PeerTls.of(ca.resolve("a.pem"), ca.resolve("a-key.pem"),
        ca.resolve(CertificateAuthority.CA_CERT), Instant.now());
    Vertx agent = cluster.joinWith(agentPort, strangerPort, tls::apply).clustered();
    // A TLS server that takes any client: whatever reaches it can be read.
    Vertx stranger = cluster.joinWith(strangerPort, agentPort, bus -> bus.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(other.resolve("x.pem").toString())
            .setKeyPath(other.resolve("x-key.pem").toString()))).clustered();
    AtomicInteger heard = new AtomicInteger();
    stranger.eventBus().consumer(ADDRESS, m -> heard.incrementAndGet()).completion()
        .await(30, TimeUnit.SECONDS);

    // Until the agent has learnt of the stranger's consumer, a send finds no handler.
    AtomicReference<Throwable> writeFailed = new AtomicReference<>();
    await(() -> {
      try {
        agent.eventBus().sender(ADDRESS).write("ring").await(30, TimeUnit.SECONDS);
        writeFailed.set(null);
        return true;
      } catch (Exception e) {
        writeFailed.set(e);
        return !(e instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS);
      }
    }, "a message to the stranger was written or refused");

    assertThat(writeFailed.get()).as("the message was not written")
        .isInstanceOf(SSLHandshakeException.class);
    assertThat(heard.get()).isZero();
  }

  private Path ca(String name, String host) throws Exception {
    Path caDir = dir.resolve(name);
    CertificateAuthority.createCa(caDir, Instant.now());
    CertificateAuthority.createHost(caDir, host, List.of(InetAddress.getLoopbackAddress()), caDir,
        Instant.now());
    return caDir;
  }
}
