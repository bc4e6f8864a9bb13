package io.weft.cni;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * One attachment of a container to a network, as the specification identifies it: container ID
 * and interface name, on a named network. Its agent ident is {@code cni:NETWORK:IFNAME:CONTAINER}
 * when that fits the agent's ident rules (1-128 of letters, digits, {@code _ . : -}), otherwise
 * {@code cni:NETWORK::DIGEST}, a SHA-256 of the pair (an interface name is never empty, so the
 * two forms never meet). Either way the ident is stable, names the network, and, containing
 * {@code :}, never looks like a container ID, so the agent's container watcher leaves it alone.
 */
record Attachment(String network, String containerId, String ifname) {
  static final int MAX_IDENT = 128;
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.\\-]+");
  private static final int DIGEST_HEX = 40;
  /** Room left for the network's name in the digest form: cni: + :: + digest. */
  static final int MAX_NETWORK_NAME = MAX_IDENT - "cni:".length() - 2 - DIGEST_HEX;

  /** The ident prefix of every attachment on {@code network}. */
  static String prefixOf(String network) {
    return "cni:" + network + ":";
  }

  /**
   * The ident holding a gateway address, never a container: named after the address, so that
   * networks sharing a subnet and its gateway share the claim too.
   */
  static String gatewayIdent(String gatewayAddress) {
    return "cni-gateway:" + gatewayAddress;
  }

  /**
   * The network of an attachment's ident, or null for any other ident (a container's, a
   * gateway's, an anonymous address). The name ends at the first {@code :} after {@code cni:}:
   * a network name never contains one, and both forms have something after it.
   */
  static String networkOf(String ident) {
    if (!ident.startsWith("cni:")) {
      return null;
    }
    int end = ident.indexOf(':', 4);
    return end > 4 && end < ident.length() - 1 ? ident.substring(4, end) : null;
  }

  /** Whether a network name can be part of an ident; the specification allows the same set. */
  static boolean isValidNetworkName(String network) {
    return PLAIN.matcher(network).matches() && network.length() <= MAX_NETWORK_NAME;
  }

  String ident() {
    String plain = prefixOf(network) + ifname + ":" + containerId;
    if (PLAIN.matcher(containerId).matches() && PLAIN.matcher(ifname).matches()
        && plain.length() <= MAX_IDENT) {
      return plain;
    }
    return prefixOf(network) + ":" + digest(containerId + "\0" + ifname);
  }

  private static String digest(String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash).substring(0, DIGEST_HEX);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
