package io.weft.agent;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.weft.agent.ipam.IpamHealth;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Why this agent can or cannot take requests, for {@code /health/ready}: it must be in the
 * cluster, its store must be writable, and the peer must not have been reset. Written by the
 * verticles that learn it, read by the health checks; each check's JSON says why not.
 */
final class Readiness {
  private volatile String storeFailure;
  /** Why the disk under the store is full, or null while it is not. */
  private volatile String storeFull;
  private volatile boolean reset;

  void storeFailed(String why) {
    storeFailure = why;
  }

  void wasReset() {
    reset = true;
  }

  /**
   * What the ring verticle reports, turned into these checks; failures also stop the agent
   * through {@code stop}.
   */
  IpamHealth reporting(Consumer<String> stop) {
    return new IpamHealth() {
      @Override
      public void wasReset() {
        Readiness.this.wasReset();
      }

      @Override
      public void storeFailed(String why) {
        Readiness.this.storeFailed(why);
        stop.accept(why);
      }

      @Override
      public void storeFull(String why) {
        storeFull = why;
      }

      @Override
      public void storeWritable() {
        storeFull = null;
      }

      @Override
      public void internalError(String why) {
        stop.accept(why);
      }
    };
  }

  HealthChecks register(HealthChecks checks, BooleanSupplier inCluster, String storeFile) {
    return checks
        .register("cluster", p -> p.complete(inCluster.getAsBoolean() ? Status.OK()
            : Status.KO(reason("not a member of the cluster: the agent is joining or leaving"))))
        .register("store", p -> p.complete(store(storeFile)))
        .register("ipam", p -> p.complete(reset ? Status.KO(reason("this peer was reset"
            + " (DELETE /peer) and allocates no more: stop it, clear its data directory and"
            + " launch it again")) : Status.OK()));
  }

  private Status store(String storeFile) {
    String failure = storeFailure;
    String full = storeFull;
    if (failure != null) {
      return Status.KO(reason("the store " + storeFile + " failed: " + failure
          + "; the agent stops rather than answer what it could not save"));
    }
    if (full != null) {
      Path dir = Path.of(storeFile).toAbsolutePath().getParent();
      return Status.KO(reason("the data directory " + dir + " is full (" + full + "): changes"
          + " wait and new ones are refused; free space on it, the agent resumes by itself"));
    }
    return Status.OK(new JsonObject().put("file", storeFile));
  }

  private static JsonObject reason(String why) {
    return new JsonObject().put("reason", why);
  }
}
