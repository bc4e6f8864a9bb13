package io.weft.agent.ipam;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.weft.store.Batch;
import io.weft.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ordered writer for the store, off the event loop, with group commit: while one
 * transaction commits, later changes gather in the next. Each submission's actions (replies,
 * messages) run only once everything submitted before them is durable, so no answer ever gets
 * ahead of the state it reports. Used from one event loop only (the one it is created on).
 */
final class GroupCommit {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

  private final Store store;
  private final WorkerExecutor worker;
  private final Consumer<String> fatal;
  private Batch open = new Batch();
  private List<Runnable> openActions = new ArrayList<>();
  /** A transaction is being written, or the next one is about to start: submissions wait. */
  private boolean committing;
  private final Context context;
  private boolean failed;
  private long commits;
  private long lastBatchSize;
  private double lastCommitMs;

  private final IpamMetrics metrics;

  GroupCommit(Vertx vertx, Store store, IpamMetrics metrics, Consumer<String> fatal) {
    this.metrics = metrics;
    this.store = store;
    this.worker = vertx.createSharedWorkerExecutor("weft-store", 1);
    this.context = vertx.getOrCreateContext();
    this.fatal = fatal;
  }

  /**
   * Adds {@code changes} (null: none) to the next transaction and runs {@code then} once it and
   * everything before it are durable; at once when nothing is pending.
   */
  void submit(Consumer<Batch> changes, Runnable then) {
    if (failed) {
      return;
    }
    if (changes == null && !committing && openActions.isEmpty()) {
      then.run();
      return;
    }
    if (changes != null) {
      changes.accept(open);
    }
    openActions.add(then);
    if (!committing) {
      flush();
    }
  }

  private void flush() {
    Batch batch = open;
    List<Runnable> actions = openActions;
    open = new Batch();
    openActions = new ArrayList<>();
    batch.seal();
    if (batch.isEmpty()) {
      committing = false;
      actions.forEach(Runnable::run);
      return;
    }
    committing = true;
    long started = System.nanoTime();
    worker.executeBlocking(() -> {
      store.commit(batch);
      return null;
    }).onComplete(ar -> {
      if (ar.failed()) {
        committing = false;
        // Nothing may be answered that is not on disk: stop instead.
        failed = true;
        LOG.error("the store failed; stopping without answering: {}", ar.cause().getMessage());
        fatal.accept(ar.cause().getMessage());
        return;
      }
      commits++;
      lastBatchSize = batch.size();
      lastCommitMs = (System.nanoTime() - started) / 1e6;
      metrics.committed(lastCommitMs, lastBatchSize);
      actions.forEach(Runnable::run);
      if (openActions.isEmpty()) {
        committing = false;
      } else {
        // Batch more under load: requests already queued on this event loop (the answers just
        // sent bring the next ones) join the next transaction before it starts, instead of
        // following it one fsync later. Idle, the queue is empty and this runs at once.
        context.runOnContext(v -> flush());
      }
    });
  }

  long commits() {
    return commits;
  }

  long lastBatchSize() {
    return lastBatchSize;
  }

  double lastCommitMs() {
    return lastCommitMs;
  }

  void close() {
    worker.close();
  }
}
