package io.weft.agent;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.ipam.Allocation;
import io.weft.ipam.Allocator;
import io.weft.ipam.Outcome;
import io.weft.ipam.PersistedState;
import io.weft.net.Cidr;
import io.weft.net.PrefixedAddress;
import io.weft.ring.RingState;
import io.weft.store.Batch;
import io.weft.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The allocator's persisted state to and from the store's rows and JSON columns. */
final class StateCodec {
  private StateCodec() {}

  /** What one outcome changed: its allocation rows, and the current ring and Paxos state. */
  static void write(Outcome out, Allocator allocator, Batch batch) {
    for (Allocation a : out.removed()) {
      batch.remove(row(a));
    }
    for (Allocation a : out.added()) {
      batch.add(row(a));
    }
    batch.state(() -> Wire.ring(allocator.ringState()).encode(), () -> {
      var paxos = allocator.paxosState();
      return paxos.isEmpty() ? null
          : new JsonObject().put("nodes", Wire.paxosJson(paxos)).encode();
    });
  }

  private static Batch.Row row(Allocation a) {
    return new Batch.Row(a.address().address(), a.ident(), a.address().prefix(), a.container());
  }

  /** The state saved in the store; an empty state over {@code universe} when there is none. */
  static PersistedState load(Store store, Cidr universe) {
    Store.Loaded loaded = store.load();
    try {
      RingState ring = loaded.ring() == null
          ? new RingState(universe.range(), List.of(), List.of(), Set.of())
          : Wire.ring(new JsonObject(loaded.ring()));
      List<Allocation> allocations = new ArrayList<>();
      for (Batch.Row row : loaded.allocations()) {
        allocations.add(new Allocation(row.ident(), new PrefixedAddress(row.address(),
            row.prefix()), row.container()));
      }
      var paxos = loaded.paxos() == null ? Map.<io.weft.paxos.NodeId, io.weft.paxos.Claims>of()
          : Wire.paxosMap(new JsonObject(loaded.paxos()).getJsonArray("nodes", new JsonArray()));
      return new PersistedState(ring, allocations, paxos);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the state saved in " + store.file()
          + " cannot be read (" + e.getMessage() + "). Move the file aside to start with empty"
          + " state, or restore it from a backup");
    }
  }
}
