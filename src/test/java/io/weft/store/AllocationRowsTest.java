package io.weft.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AllocationRowsTest {

  /** Idents with spaces, digits, non-ASCII and four-byte characters survive the chunk encoding. */
  @Test
  void anyIdentComesBackAsWritten(@TempDir Path dir) {
    List<Batch.Row> written = List.of(
        new Batch.Row(1, "a b  c 12 ff ", 32, false),
        new Batch.Row(2, "conteneur-é-ü-名前", 24, true),
        new Batch.Row(3, "emoji 🧵 thread", 12, true),
        new Batch.Row(4_294_967_295L, "", 0, false));
    try (Store store = Store.open(dir)) {
      Batch batch = new Batch();
      written.forEach(batch::add);
      store.commit(batch);
      assertThat(store.load().allocations()).containsExactlyElementsOf(written);
    }
  }

  /** More rows than one chunk: every row once, in address order, across the chunk boundaries. */
  @Test
  void rowsSpanningSeveralChunksArriveOnceInOrder(@TempDir Path dir) {
    int n = AllocationRows.CHUNK * 2 + 17;
    try (Store store = Store.open(dir)) {
      Batch batch = new Batch();
      for (int i = 0; i < n; i++) {
        batch.add(new Batch.Row(10_000L + i * 2L, Integer.toHexString(i), 16, i % 3 == 0));
      }
      store.commit(batch);
      List<Batch.Row> read = store.load().allocations();
      assertThat(read).hasSize(n);
      for (int i = 0; i < n; i++) {
        assertThat(read.get(i)).isEqualTo(
            new Batch.Row(10_000L + i * 2L, Integer.toHexString(i), 16, i % 3 == 0));
      }
    }
  }

  @Test
  void aChunkOutOfAddressOrderStopsTheLoad() {
    byte[] chunk = ("a0c 1 x" + "a08 1 y").getBytes(StandardCharsets.UTF_8);
    List<Long> seen = new ArrayList<>();
    assertThatThrownBy(() -> AllocationRows.parse(chunk, -1,
        (address, bytes, start, length, prefix, container) -> seen.add(address)))
        .isInstanceOf(SQLException.class).hasMessageContaining("out of address order");
    assertThat(seen).containsExactly(0xaL);
  }
}
