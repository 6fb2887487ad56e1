package io.platyspark.core.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Where clusters live. */
public interface ClusterStore {

    /**
     * Returns the non-terminated cluster with this name, creating it from {@code cluster} when there is none.
     * Atomic: of many concurrent callers exactly one creates.
     */
    GetOrCreate getOrCreate(NewCluster cluster);

    /**
     * Like {@link #getOrCreate(NewCluster)}, and a new cluster of a team is first checked against {@code quota}
     * under a lock per team held to the end of the transaction that inserts it: of two replicas creating the
     * team's last allowed cluster at once, the second counts after the first has committed, so exactly the quota
     * gets in. An active cluster of that name is returned as it is, without a check.
     */
    GetOrCreate getOrCreate(NewCluster cluster, ClusterQuota quota);

    Optional<Cluster> findActive(String name);

    /**
     * As {@link #findActive(String)}, from a row read recently when no change to clusters has been heard of since
     * (a store may keep such rows; this one does not): for the submit path, where every request names a cluster
     * and a change lands within the notice's delay. Anything that acts on a cluster's state reads it exactly.
     */
    default Optional<Cluster> findActiveRecent(String name) {
        return findActive(name);
    }

    Optional<Cluster> find(UUID id);

    /** Non-terminated clusters, by name. */
    List<Cluster> findActive();

    /**
     * Compare-and-set of the state, recording the backend's facts when non-null. The reason belongs to the state:
     * a new state takes {@code reason} (null clears the old one, so "creating" never outlives STARTING); the same
     * state keeps its reason unless a new one is given, and so does the end of a termination someone asked for
     * (its reason says who).
     */
    Optional<Cluster> transition(
            UUID id,
            ClusterState expected,
            ClusterState next,
            String reason,
            String externalId,
            String masterDns,
            String livyUrl);

    /**
     * Leases up to {@code limit} platform-managed clusters that are recorded but not yet created at their provider
     * (no external id), skipping rows other workers hold.
     */
    List<Cluster> claimForProvisioning(String owner, Duration lease, int limit);

    /** Records the provider's id and state for a cluster this owner provisioned, and frees the lease. */
    Optional<Cluster> recordProvisioned(UUID id, String owner, String externalId, ClusterState state, String reason);

    /**
     * Gives a claimed cluster back after a failed attempt; no worker claims it again before {@code initialBackoff}
     * doubled for every earlier failed attempt, at most {@code maxBackoff}, has passed.
     */
    void releaseProvisioning(UUID id, String owner, String reason, Duration initialBackoff, Duration maxBackoff);

    /**
     * The cluster of that name the API shows: the active one, else the one that ended last (kept until the
     * cleaner's retention removes it).
     */
    Optional<Cluster> findLatest(String name);

    /** Clusters in any of these states (ended ones too, until retention), by name then newest first. */
    List<Cluster> findInStates(java.util.Collection<ClusterState> states);

    /** Clusters that ended since {@code since}, newest first (the cleaner and death handling use them). */
    List<Cluster> findTerminatedSince(java.time.Instant since);

    record GetOrCreate(Cluster cluster, boolean created) {}

    /**
     * Moves the active cluster of that name from a ready state to {@code TERMINATING} with {@code reason}, only when
     * no active app is on it, in one statement: an app accepted meanwhile keeps its cluster. Returns whether it moved.
     */
    boolean beginIdleTermination(String name, String reason);
}
