package io.weft.agent;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import java.util.function.BooleanSupplier;

/**
 * Why this agent can or cannot take requests, for {@code /health/ready}: it must be in the
 * cluster, its store must be writable, and the peer must not have been reset. Written by the
 * verticles that learn it, read by the health checks; each check's JSON says why not.
 */
public final class Readiness {
  private volatile String storeFailure;
  private volatile boolean reset;

  public void storeFailed(String why) {
    storeFailure = why;
  }

  public void wasReset() {
    reset = true;
  }

  HealthChecks register(HealthChecks checks, BooleanSupplier inCluster, String storeFile) {
    return checks
        .register("cluster", p -> p.complete(inCluster.getAsBoolean() ? Status.OK()
            : Status.KO(reason("not a member of the cluster: the agent is joining or leaving"))))
        .register("store", p -> {
          String failure = storeFailure;
          p.complete(failure == null ? Status.OK(new JsonObject().put("file", storeFile))
              : Status.KO(reason("the store " + storeFile + " failed: " + failure
                  + "; the agent stops rather than answer what it could not save")));
        })
        .register("ipam", p -> p.complete(reset ? Status.KO(reason("this peer was reset"
            + " (DELETE /peer) and allocates no more: stop it, clear its data directory and"
            + " launch it again")) : Status.OK()));
  }

  private static JsonObject reason(String why) {
    return new JsonObject().put("reason", why);
  }
}
