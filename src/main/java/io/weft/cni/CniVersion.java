package io.weft.cni;

import java.util.List;
import java.util.Optional;

/** The CNI specification versions this plugin speaks, and what differs between them. */
enum CniVersion {
  V0_3_0("0.3.0"),
  V0_3_1("0.3.1"),
  V0_4_0("0.4.0"),
  V1_0_0("1.0.0"),
  V1_1_0("1.1.0");

  final String text;

  CniVersion(String text) {
    this.text = text;
  }

  static Optional<CniVersion> of(String text) {
    for (CniVersion v : values()) {
      if (v.text.equals(text)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  static List<String> supported() {
    return java.util.Arrays.stream(values()).map(v -> v.text).toList();
  }

  /** CHECK came with 0.4.0. */
  boolean hasCheck() {
    return compareTo(V0_4_0) >= 0;
  }

  /** GC and STATUS came with 1.1.0. */
  boolean hasGcAndStatus() {
    return compareTo(V1_1_0) >= 0;
  }

  /** Before 1.0.0 every entry of {@code ips} named its IP version ("4"). */
  boolean ipsNameTheirVersion() {
    return compareTo(V1_0_0) < 0;
  }

  /** Routes carry mtu, advmss, priority, table and scope since 1.1.0. */
  boolean routesHaveExtraFields() {
    return compareTo(V1_1_0) >= 0;
  }
}
