package io.weft.cni;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The CNI attachments among a peer's idents, in all and per network, read from the idents alone
 * (see {@link Attachment}), so that the agent's {@code /status} can say it without keeping any
 * state of its own for CNI.
 *
 * @param attachments idents that are CNI attachments (one per container and interface)
 * @param byNetwork those attachments per network name, sorted by name
 */
public record AttachmentCount(int attachments, SortedMap<String, Integer> byNetwork) {

  public AttachmentCount {
    byNetwork = Collections.unmodifiableSortedMap(new TreeMap<>(byNetwork));
  }

  /** Counts in one pass: {@code /status} calls it every few seconds over every ident held. */
  public static AttachmentCount of(Iterable<String> idents) {
    int total = 0;
    TreeMap<String, Integer> byNetwork = new TreeMap<>();
    for (String ident : idents) {
      String network = Attachment.networkOf(ident);
      if (network != null) {
        total++;
        byNetwork.merge(network, 1, Integer::sum);
      }
    }
    return new AttachmentCount(total, byNetwork);
  }
}
