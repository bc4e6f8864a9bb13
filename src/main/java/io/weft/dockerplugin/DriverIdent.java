package io.weft.dockerplugin;

import io.weft.net.Cidr;
import io.weft.net.Ip;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The ident of one address given to Docker: {@code docker-ep.10.32.0.0-12.3f9a0c1b2d4e} for an
 * endpoint, {@code docker-gw.…} for a gateway. The pool makes {@code GET /ip} readable; the nonce
 * makes each allocation its own (an ident holds one address per subnet).
 */
record DriverIdent(Kind kind, Cidr pool, String nonce) {
  private static final SecureRandom RANDOM = new SecureRandom();

  enum Kind {
    ENDPOINT("docker-ep"),
    GATEWAY("docker-gw");

    final String prefix;

    Kind(String prefix) {
      this.prefix = prefix;
    }
  }

  static DriverIdent fresh(Kind kind, Cidr pool) {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return new DriverIdent(kind, pool, HexFormat.of().formatHex(bytes));
  }

  /** The ident if {@code text} is one the driver made, else empty. */
  static Optional<DriverIdent> parse(String text) {
    for (Kind kind : Kind.values()) {
      if (text.startsWith(kind.prefix + ".")) {
        String rest = text.substring(kind.prefix.length() + 1);
        int dot = rest.lastIndexOf('.');
        int dash = rest.lastIndexOf('-', dot);
        if (dot < 0 || dash < 0) {
          return Optional.empty();
        }
        try {
          Cidr pool = Cidr.parse(rest.substring(0, dash) + "/" + rest.substring(dash + 1, dot));
          return Optional.of(new DriverIdent(kind, pool, rest.substring(dot + 1)));
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return kind.prefix + "." + Ip.format(pool.address()) + "-" + pool.prefix() + "." + nonce;
  }
}
