package io.weft.agent.ipam;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.weft.store.Batch;
import io.weft.store.DiskFull;
import io.weft.store.Store;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ordered writer for the store, off the event loop, with group commit: while one
 * transaction commits, later changes gather in the next, which the writer takes as soon as the
 * commit returns. Each submission's actions (replies, messages) run on the event loop only once
 * everything submitted before them is durable, so no answer ever gets ahead of the state it
 * reports. Used from one event loop only (the one it is created on).
 *
 * <p>The writer drains: after a commit it takes whatever gathered meanwhile and commits that at
 * once, on its own thread, and hands each committed batch's actions to the event loop in order.
 * Under load the disk is then never idle while changes wait, and a commit does not wait for the
 * event loop to pass the previous one's answers on (under wrk that wait had the writer idle for
 * two fifths of the time while requests queued).
 *
 * <p>A full disk passes once someone frees space, so it does not stop the agent: the batch that
 * failed is kept with its actions, unanswered, and written again every second until it commits;
 * later submissions wait behind it in order, as behind any commit. Meanwhile {@link #full()} says
 * why, for the local API to refuse new changes at once. Any other failure is fatal: what the
 * store holds can no longer be known, and nothing may be answered that is not on disk.
 */
final class GroupCommit {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
  static final long RETRY_MS = 1000;
  /**
   * How often the store's snapshot gets one stale part packed again: bounded work for the writer
   * (16,384 rows at most: tens of milliseconds and about a megabyte written), needed only while
   * allocations change, yet a crash after a long run still finds most of the snapshot current.
   */
  static final long REFRESH_MS = 30_000;
  /**
   * How soon the next part follows while parts hold rows that were never packed (the store's
   * {@link Store#snapshotBacklog}: after an upgrade, or a first start on a full table): a
   * million allocations are packed in about 80 s instead of half an hour, at a few percent of the
   * writer's time. Parts that churn wait {@link #REFRESH_MS}.
   */
  static final long BACKLOG_MS = 1_000;

  /** Writes one batch in one transaction, durable when it returns; throws when it could not. */
  interface Sink {
    void commit(Batch batch);

    /**
     * Packs again one stale part of the store's snapshot of the allocations; returns the rows
     * packed, or -1 when nothing was stale. Throws when it could not: nothing is lost then.
     */
    default int refreshSnapshot() {
      return -1;
    }

    /** Whether parts of the snapshot hold rows that were never packed. */
    default boolean snapshotBacklog() {
      return false;
    }

    static Sink of(Store store) {
      return new Sink() {
        @Override
        public void commit(Batch batch) {
          store.commit(batch);
        }

        @Override
        public int refreshSnapshot() {
          return store.refreshSnapshot();
        }

        @Override
        public boolean snapshotBacklog() {
          return store.snapshotBacklog();
        }
      };
    }
  }

  private final Sink store;
  private final Path file;
  private final WorkerExecutor worker;
  private final IpamHealth health;
  private final Context context;
  private final IpamMetrics metrics;

  /** Guards what the event loop and the writer's thread share: the fields up to the next. */
  private final Object lock = new Object();
  private Batch open = new Batch();
  private List<Runnable> openActions = new ArrayList<>();
  /**
   * The writer is draining, or a batch that failed for a full disk waits to be written again:
   * submissions only join the open batch, which the writer takes next.
   */
  private boolean writing;
  /** The next batch the writer takes also packs a stale part of the snapshot again. */
  private boolean refreshDue;

  // The event loop's own.
  /** Actions submitted and not run yet: a submission without changes waits behind them. */
  private int unanswered;
  private boolean failed;
  /** Why the store cannot write for a full disk, or null while it can. */
  private String full;
  private long retryTimer = -1;
  private final long refreshTimer;
  /** A refresh is asked for or under way. */
  private boolean refreshing;
  private final long refreshMs;
  private final long backlogMs;
  /** When the next part may be packed ({@link System#nanoTime}). */
  private long nextRefresh;
  private long commits;
  private long lastBatchSize;
  private double lastCommitMs;

  /** Writes to {@code file}, named with its directory in messages, through {@code store}. */
  GroupCommit(Vertx vertx, Sink store, Path file, IpamMetrics metrics, IpamHealth health) {
    this(vertx, store, file, metrics, health, REFRESH_MS, BACKLOG_MS);
  }

  /**
   * As above, packing a stale part of the snapshot every {@code refreshMs}, or every
   * {@code backlogMs} while parts were never packed (tests).
   */
  GroupCommit(Vertx vertx, Sink store, Path file, IpamMetrics metrics, IpamHealth health,
      long refreshMs, long backlogMs) {
    this.metrics = metrics;
    this.store = store;
    this.file = file;
    this.worker = vertx.createSharedWorkerExecutor("weft-store", 1);
    this.context = vertx.getOrCreateContext();
    this.health = health;
    this.refreshMs = refreshMs;
    this.backlogMs = backlogMs;
    this.nextRefresh = System.nanoTime() + refreshMs * 1_000_000;
    // Checked four times per backlog step, so that a step follows the last within a quarter of it.
    long tick = Math.max(1, backlogMs / 4);
    this.refreshTimer = vertx.setPeriodic(tick, tick, t -> {
      if (refreshing || failed || full != null || System.nanoTime() - nextRefresh < 0) {
        return;
      }
      refreshing = true;
      boolean idle;
      synchronized (lock) {
        refreshDue = true;
        idle = !writing;
        writing = true;
      }
      if (idle) {
        drain(null); // a write of its own
      }
    });
  }

  /**
   * Adds {@code changes} (null: none) to the next transaction and runs {@code then} once it and
   * everything before it are durable; at once when nothing is pending.
   */
  void submit(Consumer<Batch> changes, Runnable then) {
    if (failed) {
      return;
    }
    if (changes == null && unanswered == 0) {
      then.run();
      return;
    }
    unanswered++;
    Taken alone = null;
    synchronized (lock) {
      if (changes != null) {
        changes.accept(open);
      }
      openActions.add(then);
      if (!writing) {
        // Idle: this goes to disk at once, alone; what follows gathers behind it.
        writing = true;
        alone = takeOpen();
      }
    }
    if (alone != null) {
      drain(alone);
    }
  }

  /** A batch taken to be written, with the actions that wait for it. */
  private record Taken(Batch batch, List<Runnable> actions) {}

  /** Takes the open batch and its actions, leaving empty ones; the caller holds the lock. */
  private Taken takeOpen() {
    Taken taken = new Taken(open, openActions);
    open = new Batch();
    openActions = new ArrayList<>();
    return taken;
  }

  /**
   * Starts the writer on its thread: it writes {@code first} when not null, then whatever
   * gathers, until nothing is left.
   */
  private void drain(Taken first) {
    worker.executeBlocking(() -> {
      writeAll(first);
      return null;
    }, true).onFailure(e -> {
      // Only if the writer itself broke: treated as a failed store, nothing more is answered.
      failedToWrite(e, null, false);
    });
  }

  /** On the writer's thread: commits batch after batch, each one's actions handed on in order. */
  private void writeAll(Taken first) {
    Taken next = first;
    while (true) {
      boolean refresh = false;
      if (next == null) {
        synchronized (lock) {
          if (openActions.isEmpty() && !refreshDue) {
            writing = false;
            return;
          }
          next = takeOpen();
          refresh = refreshDue;
          refreshDue = false;
        }
      }
      Taken taken = next;
      taken.batch().seal(); // a no-op for a batch written again after a full disk
      long started = System.nanoTime();
      try {
        if (!taken.batch().isEmpty()) {
          store.commit(taken.batch());
        }
      } catch (RuntimeException e) {
        boolean wasRefresh = refresh;
        // writing stays true: later submissions queue behind this batch, in order.
        context.runOnContext(v -> failedToWrite(e, taken, wasRefresh));
        return;
      }
      double millis = (System.nanoTime() - started) / 1e6;
      context.runOnContext(v -> written(taken, millis));
      if (refresh) {
        // After the answers are on their way: they need the commit only, not the snapshot.
        boolean backlog = refreshSnapshot();
        context.runOnContext(v -> {
          refreshing = false;
          nextRefresh = System.nanoTime() + (backlog ? backlogMs : refreshMs) * 1_000_000;
        });
      }
      next = null;
    }
  }

  /** On the event loop, in commit order: counts the commit and runs its actions. */
  private void written(Taken taken, double millis) {
    Batch batch = taken.batch();
    if (full != null) {
      full = null;
      metrics.storeFull(false);
      health.storeWritable();
      LOG.info("the data directory has space again; {} changes written", batch.size());
    }
    if (!batch.isEmpty()) {
      commits++;
      lastBatchSize = batch.size();
      lastCommitMs = millis;
      metrics.committed(millis, lastBatchSize);
    }
    for (Runnable action : taken.actions()) {
      unanswered--;
      action.run();
    }
  }

  /**
   * On the event loop: a full disk keeps {@code unwritten} and writes it again in a second; any
   * other failure (or none taken: the writer itself broke) stops the writer for good.
   * {@code refresh}: the batch was to pack a part too, which is asked for again once the disk
   * has space.
   */
  private void failedToWrite(Throwable cause, Taken unwritten, boolean refresh) {
    if (refresh) {
      refreshing = false;
    }
    if (unwritten == null || !DiskFull.is(cause)) {
      // Nothing may be answered that is not on disk: stop instead.
      failed = true;
      LOG.error("the store failed; stopping without answering: {}", cause.getMessage());
      health.storeFailed(cause.getMessage());
      return;
    }
    if (full == null) {
      // One line when it starts, not one per retry: the state is in /status and /health/ready.
      String what = String.valueOf(cause.getMessage());
      // The store's failures name its file (Store.commit); name it for any other too.
      full = what.contains(file.toString()) ? what : "cannot write to " + file + ": " + what;
      metrics.storeFull(true);
      health.storeFull(full);
      LOG.error("the disk is full: {}. Changes wait and are written again every {} ms; requests"
          + " that would change state are refused (503) meanwhile. Free space on {}; the agent"
          + " resumes by itself", full, RETRY_MS, directory());
    }
    // The writer is still taken (writing): later submissions queue behind this batch, in order.
    retryTimer = context.owner().setTimer(RETRY_MS, t -> {
      retryTimer = -1;
      drain(unwritten);
    });
  }

  /**
   * On the writer's thread, after a commit: the snapshot is only a quicker way to read the
   * table at a start, so a failure here loses nothing and stops nothing. Returns whether parts
   * that were never packed remain.
   */
  private boolean refreshSnapshot() {
    try {
      int packed = store.refreshSnapshot();
      if (packed >= 0) {
        LOG.debug("packed {} allocation(s) of the snapshot again", packed);
      }
      return store.snapshotBacklog();
    } catch (RuntimeException e) {
      LOG.warn("{}; a start after a crash reads more of the allocation table itself, which is"
          + " slower. Tried again in {} s", e.getMessage(), refreshMs / 1000);
      return false;
    }
  }

  /** Why the store cannot write for a full disk (null while it can). */
  String full() {
    return full;
  }

  /** The directory holding the store, the one to free space on. */
  Path directory() {
    Path dir = file.toAbsolutePath().getParent();
    return dir == null ? file : dir;
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
    context.owner().cancelTimer(refreshTimer);
    if (retryTimer >= 0) {
      context.owner().cancelTimer(retryTimer);
    }
    worker.close();
  }
}
