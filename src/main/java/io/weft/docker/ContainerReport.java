package io.weft.docker;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import java.util.Set;

/**
 * What the container watcher tells IPAM on {@link ContainerWatchVerticle#CONTAINERS}: typed
 * values passed as they are through a local codec, never encoded (the address is local only).
 */
public sealed interface ContainerReport {
  /** A container started, died or was removed; {@code readNanos} is when its line was read. */
  record Happened(ContainerEvent event, long readNanos) implements ContainerReport {}

  /** Every container the engine lists now (full IDs): the allocations of the others go. */
  record Prune(Set<String> live) implements ContainerReport {
    public Prune {
      live = Set.copyOf(live);
    }
  }

  /** Sends reports with the local codec. */
  DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true).setCodecName(Codec.NAME);

  /** Registers the codec on {@code vertx}'s event bus unless it already is. */
  static void registerCodec(Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new Codec());
    } catch (IllegalStateException alreadyRegistered) {
      // One codec serves every verticle of this Vert.x.
    }
  }

  /** Hands the value itself to the local consumer; there is no wire form. */
  final class Codec implements MessageCodec<ContainerReport, ContainerReport> {
    static final String NAME = "weft.container-report";

    @Override
    public void encodeToWire(Buffer buffer, ContainerReport report) {
      throw new UnsupportedOperationException("container reports stay in this process");
    }

    @Override
    public ContainerReport decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("container reports stay in this process");
    }

    @Override
    public ContainerReport transform(ContainerReport report) {
      return report; // immutable
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
