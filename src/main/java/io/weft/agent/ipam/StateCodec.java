package io.weft.agent.ipam;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.ipam.Allocation;
import io.weft.ipam.Outcome;
import io.weft.ipam.PackedAllocations;
import io.weft.ipam.PersistedState;
import io.weft.net.Cidr;
import io.weft.paxos.Claims;
import io.weft.paxos.NodeId;
import io.weft.ring.RingState;
import io.weft.store.Batch;
import io.weft.store.RowSink;
import io.weft.store.Store;
import io.weft.store.StoreException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The allocator's persisted state to and from the store's rows and JSON columns. */
public final class StateCodec {
  private StateCodec() {}

  /**
   * What one outcome changed: its allocation rows, and the ring and Paxos state it carries when
   * they changed. Those are encoded only when the batch is sealed, so a batch that gathers many
   * outcomes encodes (and writes) only the newest. That happens on the store writer's thread:
   * the ring state and the claims an outcome carries are immutable copies, never the allocator's
   * live state.
   */
  static void write(Outcome out, Batch batch) {
    for (Allocation a : out.removed()) {
      batch.remove(row(a));
    }
    for (Allocation a : out.added()) {
      batch.add(row(a));
    }
    RingState ring = out.ring();
    if (ring != null) {
      batch.ring(() -> Wire.ring(ring).encode());
    }
    Map<NodeId, Claims> paxos = out.paxos();
    if (paxos != null) {
      batch.paxos(() -> new JsonObject().put("nodes", Wire.paxosJson(paxos)).encode());
    }
  }

  private static RowSink into(PackedAllocations.Builder allocations) {
    // The ident's hash is computed here, on the reading threads, for the table that files the
    // allocations by ident when they are restored on the IPAM verticle's thread.
    return new RowSink() {
      @Override
      public void row(long address, byte[] bytes, int start, int length, int prefix,
          boolean container) {
        allocations.addInPlace(address, bytes, start, length, prefix, container);
      }

      @Override
      public void expect(long rows) {
        allocations.expect(rows);
      }
    };
  }

  private static Batch.Row row(Allocation a) {
    return new Batch.Row(a.ip(), a.ident(), a.prefix(), a.container());
  }

  /**
   * The state saved in the store; an empty state over {@code universe} when there is none. The
   * allocations are packed straight from the rows as they are read, the two halves of the
   * addresses on two threads, with no object per allocation: a restart with a million of them
   * must not cost a million objects.
   */
  public static PersistedState load(Store store, Cidr universe) {
    PackedAllocations.Builder lower = new PackedAllocations.Builder();
    PackedAllocations.Builder upper = new PackedAllocations.Builder();
    try {
      Store.Saved saved = store.load(into(lower), into(upper));
      PackedAllocations allocations = PackedAllocations.Builder.concat(lower, upper);
      RingState ring = saved.ring() == null
          ? new RingState(universe.range(), List.of(), List.of(), Set.of())
          : Wire.ring(new JsonObject(saved.ring()));
      var paxos = saved.paxos() == null ? Map.<NodeId, Claims>of()
          : Wire.paxosMap(new JsonObject(saved.paxos()).getJsonArray("nodes", new JsonArray()));
      return new PersistedState(ring, allocations, paxos, store.wasReset());
    } catch (StoreException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the state saved in " + store.file()
          + " cannot be read (" + e.getMessage() + "). Move the file aside to start with empty"
          + " state, or restore it from a backup");
    }
  }
}
