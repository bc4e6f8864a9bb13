package io.weft.agent.cluster;

import static com.hazelcast.config.ConfigAccessor.getActiveMemberNetworkConfig;

import com.hazelcast.cluster.Address;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.internal.cluster.impl.ClusterServiceImpl;
import com.hazelcast.internal.cluster.impl.TcpIpJoiner;
import com.hazelcast.internal.cluster.impl.operations.JoinMastershipClaimOp;
import com.hazelcast.internal.server.ServerConnectionManager;
import com.hazelcast.internal.util.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Hazelcast's TCP-IP join with its waits cut to what a fresh cluster needs. Hazelcast's own
 * asks the listed members who the master is once a second, for the whole connection timeout,
 * before the lowest connected member claims mastership, and the others learn of the master only
 * when they next ask, up to a second later. Three fresh members on three hosts spend about two
 * seconds so before they are one cluster (half a second with this joiner); a member joining a
 * cluster that exists already is answered at once by either.
 *
 * <p>This one asks every {@value #TICK_MS} ms, so that a member joins within a tick of learning
 * its master, and the lowest member claims as soon as every listed member is connected and none
 * has named a master for {@value #ANSWER_MS} ms: then every member it could ask is present, and
 * Hazelcast's own rule (the lowest connected member claims) gives the same master a second
 * sooner. While a listed member is not connected, it waits the whole connection timeout as
 * Hazelcast does. The claim is Hazelcast's: every connected member votes, and a member of a
 * cluster that already exists votes no, so a late answer costs a retry, not a second cluster.
 * Joining a cluster's split half back (a merge) is left to Hazelcast's own joiner.
 */
final class QuickJoiner extends TcpIpJoiner {
  static final long TICK_MS = 100;
  static final long ANSWER_MS = 200;
  /** As Hazelcast's: how long the members have to answer a claim. */
  private static final long CLAIM_TIMEOUT_MS = 10_000;

  private final long connectionTimeoutMs;
  private volatile boolean claiming;

  QuickJoiner(Node node) {
    super(node);
    connectionTimeoutMs = TimeUnit.SECONDS.toMillis(getActiveMemberNetworkConfig(config).getJoin()
        .getTcpIpConfig().getConnectionTimeoutSeconds());
  }

  /** Asked by the members this one asks to vote (Hazelcast's vote reads it). */
  @Override
  public boolean isClaimingMastership() {
    return claiming || super.isClaimingMastership();
  }

  @Override
  public void doJoin() {
    if (getTargetAddress() != null) {
      super.doJoin();
      return;
    }
    try {
      Collection<Address> possible = getPossibleAddressesForInitialJoin();
      long maxJoinMillis = getMaxJoinMillis();
      long start = Clock.currentTimeMillis();
      while (shouldRetry() && Clock.currentTimeMillis() - start < maxJoinMillis) {
        askForMaster(possible);
        if (clusterService.isJoined()) {
          return;
        }
        if (allBlacklisted(possible)) {
          clusterJoinManager.setThisMemberAsMaster();
          return;
        }
        if (isCandidate(possible) && claimMastership(possible)) {
          clusterJoinManager.setThisMemberAsMaster();
          return;
        }
        clusterService.setMasterAddressToJoin(null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      logger.severe(e);
    }
  }

  /**
   * Asks for the master (or, once one is named, to join it) every tick, until joined, until the
   * connection timeout, or until this member may claim at once (see the class doc).
   */
  private void askForMaster(Collection<Address> possible) throws InterruptedException {
    long start = Clock.currentTimeMillis();
    long settledSince = -1;
    while (!clusterService.isJoined() && Clock.currentTimeMillis() - start < connectionTimeoutMs) {
      possible.removeIf(this::isThisMember);
      Address master = clusterService.getMasterAddress();
      if (master != null) {
        settledSince = -1;
        clusterJoinManager.sendJoinRequest(master);
      } else if (allBlacklisted(possible)) {
        return;
      } else {
        for (Address address : possible) {
          if (!isBlacklisted(address)) {
            clusterJoinManager.sendMasterQuestion(address);
          }
        }
        if (!allConnected(possible) || !isCandidate(possible)) {
          settledSince = -1;
        } else if (settledSince < 0) {
          settledSince = Clock.currentTimeMillis();
        } else if (Clock.currentTimeMillis() - settledSince >= ANSWER_MS) {
          return;
        }
      }
      if (!clusterService.isJoined()) {
        clusterService.blockOnJoin(TICK_MS);
      }
    }
  }

  /** Hazelcast's rule: the member with the lowest address hash among those connected claims. */
  private boolean isCandidate(Collection<Address> possible) {
    int mine = node.getThisAddress().hashCode();
    for (Address address : possible) {
      if (isBlacklisted(address)) {
        continue;
      }
      if (connections().get(address) != null) {
        UUID uuid = node.getLocalAddressRegistry().uuidOf(address);
        Address primary = uuid == null ? null
            : node.getLocalAddressRegistry().getPrimaryAddress(uuid);
        if (primary != null && mine > primary.hashCode()) {
          return false;
        }
      }
    }
    return true;
  }

  /** Asks every member not blacklisted to accept this one as master; all must say yes. */
  private boolean claimMastership(Collection<Address> possible) {
    claiming = true;
    try {
      List<Future<Boolean>> votes = new ArrayList<>();
      for (Address address : possible) {
        if (!isBlacklisted(address)) {
          votes.add(node.getNodeEngine().getOperationService()
              .<Boolean>createInvocationBuilder(ClusterServiceImpl.SERVICE_NAME,
                  new JoinMastershipClaimOp(), address)
              .setTryCount(1).invoke());
        }
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLAIM_TIMEOUT_MS);
      for (Future<Boolean> vote : votes) {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!Boolean.TRUE.equals(vote.get(left, TimeUnit.NANOSECONDS))) {
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      // A member that cannot vote (gone, or too slow) is a no: ask again.
      logger.fine("mastership claim not answered: " + e);
      return false;
    } finally {
      claiming = false;
    }
  }

  private boolean allConnected(Collection<Address> possible) {
    for (Address address : possible) {
      if (!isBlacklisted(address) && connections().get(address) == null) {
        return false;
      }
    }
    return true;
  }

  private boolean allBlacklisted(Collection<Address> possible) {
    return blacklistedAddresses.keySet().containsAll(possible);
  }

  private boolean isThisMember(Address address) {
    UUID uuid = node.getLocalAddressRegistry().uuidOf(address);
    return uuid != null && uuid.equals(node.getThisUuid());
  }

  private ServerConnectionManager connections() {
    return node.getServer().getConnectionManager(EndpointQualifier.MEMBER);
  }
}
