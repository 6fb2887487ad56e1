package io.platyspark.core.app;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Where apps and their history live. Every state change is a compare-and-set that records an event. */
public interface SparkAppStore {

    /**
     * Stores a new {@code PENDING} app, or finds the one already stored under the same team and idempotency key.
     *
     * @param requestHash a fingerprint of the request, so a reused key with a different request is told apart
     */
    default CreateResult create(NewSparkApp app, String requestHash) {
        return create(app, requestHash, result -> {});
    }

    /**
     * As {@link #create(NewSparkApp, String)}, running {@code inTransaction} with a newly created app in the
     * transaction that stores it (not for an app found by its key): when it throws, nothing of the app is stored (the API's audit row goes there, so a submit
     * commits once and an app never exists without its record).
     */
    CreateResult create(NewSparkApp app, String requestHash, java.util.function.Consumer<CreateResult> inTransaction);

    Optional<SparkApp> find(UUID id);

    /** The app stored under a team's idempotency key, with the fingerprint of the request that made it. */
    Optional<CreateResult> findByIdempotencyKey(String team, String idempotencyKey);

    AppPage list(AppQuery query);

    List<AppEvent> events(UUID id);

    /** Compare-and-set from {@code expected}; see {@link AppTransition}. */
    TransitionResult transition(UUID id, AppState expected, AppTransition transition);

    /**
     * Leases up to {@code limit} apps that wait for submission and are due, skipping rows other workers hold, so
     * several server replicas share the queue without blocking each other.
     */
    List<SparkApp> claimForSubmission(String owner, Duration lease, int limit);

    /** Gives a claimed app back to the queue, due again at {@code nextAttemptAt}. */
    void release(UUID id, String owner, Instant nextAttemptAt, String reason, boolean countAttempt);

    /**
     * Gives a claimed app back after an outage (its backend, the artifact store or the app-builder could not be
     * reached) without using up a submission attempt: due again after a backoff that doubles with each outage
     * retry in a row, from {@code initialBackoff} up to {@code maxBackoff}.
     */
    void releaseAfterOutage(UUID id, String owner, String reason, Duration initialBackoff, Duration maxBackoff);

    /** Extends the lease of those of {@code ids} that {@code owner} still holds; returns how many it extended. */
    int renewLeases(String owner, Collection<UUID> ids, Duration lease);

    /** Frees the claims {@code owner} still holds on {@code ids} (due at their stored time); returns how many. */
    int releaseClaims(String owner, Collection<UUID> ids);

    /**
     * Records that the backend does not know these apps (keeping the first time it was noticed) and returns since
     * when each has been unknown.
     */
    Map<UUID, Instant> noteUnknown(Collection<UUID> ids);

    /** Clears the "unknown since" of apps the backend knows again. */
    void noteKnown(Collection<UUID> ids);

    /** The apps not yet ended on the cluster with this id. */
    List<SparkApp> findActiveOnCluster(UUID clusterId);

    /** Every app in any of the given states, oldest first. */
    List<SparkApp> findByStates(Collection<AppState> states);

    /**
     * A keyset page of the apps in {@code states}, in id order: those with an id above {@code after} (null for the
     * first page), on {@code clusterName} when it is not null, created at or before {@code createdBefore} when it
     * is not null. Whoever walks every active app holds one page at a time.
     */
    List<SparkApp> findByStatesPage(
            Collection<AppState> states, String clusterName, Instant createdBefore, UUID after, int limit);

    /** The clusters that have apps in {@code states}, by name. */
    List<String> clusterNamesWithStates(Collection<AppState> states);

    /** Active apps whose cluster has terminated, with that cluster's state and reason, oldest first. */
    List<Orphan> findActiveOnTerminatedClusters(int limit);

    /** An active app on a cluster that has ended. */
    record Orphan(SparkApp app, String clusterName, String clusterState, String clusterReason) {}

    /** The result of {@link #create}: the stored app and whether this call created it. */
    record CreateResult(SparkApp app, boolean created, String storedRequestHash) {}
}
