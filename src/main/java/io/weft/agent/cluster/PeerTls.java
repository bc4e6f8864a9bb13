package io.weft.agent.cluster;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * Mutual TLS on the clustered event bus: every connection between agents, in both directions,
 * presents a certificate signed by the one cluster CA, and a connection without one is refused
 * by the TLS handshake before any message is read. Hazelcast's membership traffic stays plain
 * (the open-source edition has no TLS), which is why a member is never trusted for being listed.
 *
 * @param expiry when this host's certificate expires; empty when TLS is off
 */
public record PeerTls(Optional<Path> cert, Optional<Path> key, Optional<Path> ca,
    Optional<Instant> expiry) {

  /** Said in status and logged once at start when an agent with peers runs without TLS. */
  public static final String PLAIN_WARNING = "peer traffic is neither authenticated nor"
      + " encrypted (no --tls-cert/--tls-key/--tls-ca): anyone who reaches this agent's cluster"
      + " port (--cluster-addr) or event-bus port (--bus-port) can read the gossip and forge it;"
      + " give every agent a certificate from one cluster CA ('weft tls ca create', then"
      + " 'weft tls cert create' per host)";

  public static PeerTls off() {
    return new PeerTls(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  public static PeerTls of(Path cert, Path key, Path ca, Instant expiry) {
    return new PeerTls(Optional.of(cert), Optional.of(key), Optional.of(ca), Optional.of(expiry));
  }

  public boolean enabled() {
    return cert.isPresent();
  }

  /**
   * Turns TLS on in the event-bus options: server and client side, each checking the other's
   * certificate against the CA.
   */
  public EventBusOptions apply(EventBusOptions bus) {
    if (!enabled()) {
      return bus;
    }
    // Identity is the CA's signature, not a host name: agents reach each other by the address
    // Hazelcast reports, which need not be in the certificate. The event bus trusts every server
    // certificate by default (EventBusOptions.DEFAULT_TRUST_ALL): an agent then wrote to any
    // member with a TLS server, a stranger that asks for no client certificate read it all, and
    // one from another CA closed the connection only after writes were made, which Vert.x
    // reported as "Promise already completed" (see LostBusWrites).
    return bus.setSsl(true).setClientAuth(ClientAuth.REQUIRED).setTrustAll(false)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(cert.get().toString())
            .setKeyPath(key.get().toString()))
        .setTrustOptions(new PemTrustOptions().addCertPath(ca.get().toString()));
  }

  /** The warning for an agent that has peers, when TLS is off. */
  public Optional<String> warning(boolean hasPeers) {
    return hasPeers && !enabled() ? Optional.of(PLAIN_WARNING) : Optional.empty();
  }

  /** The status fields: {@code tls} and, when on, {@code tlsCertificateExpiry} (ISO-8601). */
  public JsonObject statusFields() {
    JsonObject json = new JsonObject().put("tls", enabled());
    expiry.ifPresent(e -> json.put("tlsCertificateExpiry", e.toString()));
    return json;
  }
}
