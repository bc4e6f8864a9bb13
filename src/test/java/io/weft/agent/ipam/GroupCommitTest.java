package io.weft.agent.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.weft.store.Batch;
import io.weft.store.StoreException;
import io.weft.testing.RecordingHealth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The ordered writer against a store that fails as a full disk makes SQLite fail: the batch that
 * failed is written again until it commits, nothing is answered before, every action runs once
 * and in order after, and the full disk is reported once when it starts and once when it ends.
 * Any other failure still stops the agent.
 */
@ExtendWith(VertxExtension.class)
class GroupCommitTest {
  private static final Path FILE = Path.of("/var/lib/weft/weft.db");

  /** Fails its first {@code failures} commits with {@code failure}, then writes. */
  private static final class FailingStore implements GroupCommit.Sink {
    private volatile int failures;
    private final RuntimeException failure;
    final List<Batch> attempts = Collections.synchronizedList(new ArrayList<>());
    final List<Batch> written = Collections.synchronizedList(new ArrayList<>());

    FailingStore(int failures, RuntimeException failure) {
      this.failures = failures;
      this.failure = failure;
    }

    @Override
    public void commit(Batch batch) {
      attempts.add(batch);
      if (failures > 0) {
        failures--;
        throw failure;
      }
      written.add(batch);
    }
  }

  /** What the writer told the agent, in order. */
  private final RecordingHealth recorder = new RecordingHealth();
  private final List<String> health = recorder.events();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> actions = Collections.synchronizedList(new ArrayList<>());

  /** As {@code Store.commit} throws it when SQLite answers SQLITE_FULL. */
  private static StoreException diskFull() {
    return new StoreException("cannot write to " + FILE + ": [SQLITE_FULL] Insertion failed"
        + " because database is full (database or disk is full)", new SQLiteException(
            "[SQLITE_FULL] Insertion failed because database is full (database or disk is full)",
            SQLiteErrorCode.SQLITE_FULL));
  }

  private static Batch.Row row(long address, String ident) {
    return new Batch.Row(address, ident, 24, false);
  }

  private Runnable action(String name) {
    return () -> actions.add(name);
  }

  /** Runs {@code work} on {@code context} and returns what it returns. */
  private static <T> T on(Context context, Supplier<T> work) throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(v -> result.complete(work.get()));
    return result.get(10, TimeUnit.SECONDS);
  }

  private static void await(Duration timeout, BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(10);
    }
  }

  private double fullGauge() {
    return registry.get("weft.store.full").gauge().value();
  }

  @Test
  void aFullDiskRetriesTheSameBatchThenAnswersEverythingOnceInOrder(Vertx vertx)
      throws Exception {
    FailingStore store = new FailingStore(2, diskFull());
    Context context = vertx.getOrCreateContext();
    GroupCommit commits = on(context, () -> {
      GroupCommit c = new GroupCommit(vertx, store, FILE, new IpamMetrics(registry), recorder);
      c.submit(b -> b.add(row(1, "c1")), action("c1"));
      // Behind the first batch while it is written: these gather in the next one.
      c.submit(b -> b.add(row(2, "c2")), action("c2"));
      c.submit(null, action("no change, after c2"));
      return c;
    });
    await(Duration.ofSeconds(5), () -> !health.isEmpty(), "the full disk reported");
    assertThat(on(context, commits::full)).contains("database or disk is full");
    assertThat(fullGauge()).isEqualTo(1.0);
    assertThat(actions).as("nothing is answered before it is written").isEmpty();
    // A submission without changes still waits its turn while the disk is full.
    on(context, () -> {
      commits.submit(null, action("no change, last"));
      return null;
    });

    await(Duration.ofSeconds(10), () -> actions.size() == 4, "every action run");
    assertThat(actions).containsExactly("c1", "c2", "no change, after c2", "no change, last");
    // Two failures, the same batch a third time, then the batch that waited behind it.
    assertThat(store.attempts).hasSize(4);
    Batch first = store.attempts.get(0);
    assertThat(store.attempts.subList(0, 3)).allSatisfy(b -> assertThat(b).isSameAs(first));
    assertThat(store.written).hasSize(2).first().isSameAs(first);
    assertThat(store.written).extracting(Batch::size).containsExactly(1, 1);
    assertThat(health).hasSize(2);
    assertThat(health.get(0)).startsWith("full: ").contains(FILE.toString());
    assertThat(health.get(1)).isEqualTo("writable");
    assertThat(on(context, commits::full)).isNull();
    assertThat(on(context, commits::commits)).isEqualTo(2L);
    assertThat(fullGauge()).isZero();
    Thread.sleep(GroupCommit.RETRY_MS + 200);
    assertThat(actions).as("each action runs once").hasSize(4);
    on(context, () -> {
      commits.close();
      return null;
    });
  }

  /**
   * What gathers while a transaction commits is committed as soon as it returns, by the writer
   * itself: here while the event loop is busy with something else, which with a writer that
   * waited for the loop to hand it the next batch would hold the disk idle. The answers still
   * run on the loop, in order, once it is free.
   */
  @Test
  void theWriterCommitsWhatGatheredWithoutWaitingForTheEventLoop(Vertx vertx) throws Exception {
    java.util.concurrent.CountDownLatch firstEntered = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch releaseFirst = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch secondWritten = new java.util.concurrent.CountDownLatch(1);
    List<Integer> written = Collections.synchronizedList(new ArrayList<>());
    GroupCommit.Sink store = batch -> {
      if (written.isEmpty()) {
        firstEntered.countDown();
        await(releaseFirst);
      }
      written.add(batch.size());
      if (written.size() == 2) {
        secondWritten.countDown();
      }
    };
    Context context = vertx.getOrCreateContext();
    GroupCommit commits = on(context, () -> {
      GroupCommit c = new GroupCommit(vertx, store, FILE, new IpamMetrics(registry), recorder);
      c.submit(b -> b.add(row(1, "c1")), action("c1"));
      return c;
    });
    assertThat(firstEntered.await(10, TimeUnit.SECONDS)).isTrue();
    on(context, () -> {
      commits.submit(b -> b.add(row(2, "c2")), action("c2"));
      commits.submit(b -> b.add(row(3, "c3")), action("c3"));
      commits.submit(null, action("no change, after c3"));
      return null;
    });
    // The loop is held until the second transaction is written, or 10 s.
    CompletableFuture<Boolean> heldUntilWritten = new CompletableFuture<>();
    context.runOnContext(v -> {
      releaseFirst.countDown();
      try {
        heldUntilWritten.complete(secondWritten.await(10, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        heldUntilWritten.completeExceptionally(e);
      }
    });
    assertThat(heldUntilWritten.get(20, TimeUnit.SECONDS))
        .as("the second transaction written while the event loop was busy").isTrue();
    await(Duration.ofSeconds(10), () -> actions.size() == 4, "every action run");
    assertThat(written).containsExactly(1, 2);
    assertThat(actions).containsExactly("c1", "c2", "c3", "no change, after c3");
    assertThat(on(context, commits::commits)).isEqualTo(2L);
    on(context, () -> {
      commits.close();
      return null;
    });
  }

  private static void await(java.util.concurrent.CountDownLatch latch) {
    try {
      if (!latch.await(20, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not released within 20 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aFailureThatIsNotAFullDiskStillStopsWithoutAnswering(Vertx vertx) throws Exception {
    FailingStore store = new FailingStore(1, new StoreException("cannot write to " + FILE
        + ": [SQLITE_IOERR] disk I/O error", new SQLiteException("[SQLITE_IOERR] disk I/O error",
            SQLiteErrorCode.SQLITE_IOERR)));
    Context context = vertx.getOrCreateContext();
    GroupCommit commits = on(context, () -> {
      GroupCommit c = new GroupCommit(vertx, store, FILE, new IpamMetrics(registry), recorder);
      c.submit(b -> b.add(row(1, "c1")), action("c1"));
      return c;
    });
    await(Duration.ofSeconds(5), () -> !health.isEmpty(), "the failure reported");
    assertThat(health).containsExactly("failed: cannot write to " + FILE
        + ": [SQLITE_IOERR] disk I/O error");
    on(context, () -> {
      commits.submit(b -> b.add(row(2, "c2")), action("c2"));
      return null;
    });
    Thread.sleep(GroupCommit.RETRY_MS + 200);
    assertThat(store.attempts).as("no retry").hasSize(1);
    assertThat(actions).isEmpty();
    assertThat(on(context, commits::full)).isNull();
    assertThat(fullGauge()).isZero();
  }

  /**
   * With a real store: the snapshot's stale chunks are packed again while the writer is idle,
   * and a refresh that fails neither stops the writer nor holds an answer back.
   */
  @Test
  void theSnapshotIsPackedAgainWhileIdleAndAFailedRefreshStopsNothing(Vertx vertx,
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    try (io.weft.store.Store real = io.weft.store.Store.open(dir)) {
      java.util.concurrent.atomic.AtomicInteger failing =
          new java.util.concurrent.atomic.AtomicInteger(2);
      GroupCommit.Sink store = new GroupCommit.Sink() {
        @Override
        public void commit(Batch batch) {
          real.commit(batch);
        }

        @Override
        public int refreshSnapshot() {
          if (failing.getAndDecrement() > 0) {
            throw new StoreException("cannot pack the snapshot: a test's failure", null);
          }
          return real.refreshSnapshot();
        }
      };
      Context context = vertx.getOrCreateContext();
      GroupCommit commits = on(context, () -> new GroupCommit(vertx, store, real.file(),
          new IpamMetrics(registry), recorder, 100, 100));
      on(context, () -> {
        commits.submit(b -> b.add(row(167_772_161L, "c1")), action("c1"));
        return null;
      });
      await(Duration.ofSeconds(30), () -> failing.get() < 0, "a refresh after two failed");
      await(Duration.ofSeconds(30), () -> !real.snapshotStale(), "the snapshot packed");
      on(context, () -> {
        commits.submit(b -> b.add(row(167_772_162L, "c2")), action("c2"));
        return null;
      });
      await(Duration.ofSeconds(30), () -> actions.size() == 2, "both answered");
      await(Duration.ofSeconds(30), () -> !real.snapshotStale(), "the change packed again");
      assertThat(actions).containsExactly("c1", "c2");
      assertThat(health).isEmpty();
      on(context, () -> {
        commits.close();
        return null;
      });
    }
    try (io.weft.store.Store reopened = io.weft.store.Store.open(dir)) {
      assertThat(reopened.load().allocations()).extracting(Batch.Row::ident)
          .containsExactly("c1", "c2");
    }
  }

  /**
   * Parts never packed (a first start on a full table, an upgrade) are packed one after the
   * other at the backlog's pace, not once per refresh interval: five parts here, which at one
   * per interval would take 25 s.
   */
  @Test
  void aBacklogOfPartsNeverPackedIsPackedAtItsOwnPace(Vertx vertx,
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    try (io.weft.store.Store real = io.weft.store.Store.open(dir)) {
      Batch rows = new Batch();
      for (int i = 0; i < 16_384 * 4 + 5; i++) {
        rows.add(row(167_772_161L + i, "c" + i));
      }
      real.commit(rows); // no snapshot yet
      assertThat(real.snapshotBacklog()).isTrue();
      Context context = vertx.getOrCreateContext();
      long started = System.nanoTime();
      GroupCommit commits = on(context, () -> new GroupCommit(vertx,
          GroupCommit.Sink.of(real), real.file(), new IpamMetrics(registry), recorder, 5_000,
          20));
      await(Duration.ofSeconds(60), () -> !real.snapshotStale(), "every part packed");
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .as("the first part after 5 s, the four others at the backlog's pace")
          .isLessThan(Duration.ofSeconds(15));
      assertThat(real.snapshotBacklog()).isFalse();
      on(context, () -> {
        commits.close();
        return null;
      });
    }
  }
}
