package io.platyspark.core.reconcile;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.platyspark.core.SecretRedactor;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.ClusterBackend;
import io.platyspark.core.backend.ClusterBackend.ClusterStatus;
import io.platyspark.core.backend.ClusterBackends;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.cluster.NewCluster;
import java.time.Clock;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Keeps recorded clusters true: per cycle one bulk read per provider (EMR: ListClusters pages), a compare-and-set
 * where the state, reason, master DNS or Livy URL changed, a repeated terminate for clusters still up after one
 * was asked for, the active apps of a dead cluster failed with the cluster's reason, a shared cluster that
 * died re-created from its own config, and orphans terminated: live clusters tagged with a platform id that the
 * store does not own (a create whose answer was lost and that was made again).
 */
public class ClusterReconciler {

    private static final Logger log = LoggerFactory.getLogger(ClusterReconciler.class);

    private final ClusterStore clusters;
    private final SparkAppStore apps;
    private final ClusterBackends backends;
    private final ReconcileProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final Runnable newClusterListener;
    private final AtomicLong lastSuccessMillis;
    private final AtomicLong lastStartMillis = new AtomicLong(Long.MIN_VALUE);

    public ClusterReconciler(
            ClusterStore clusters,
            SparkAppStore apps,
            ClusterBackends backends,
            ReconcileProperties properties,
            Clock clock,
            MeterRegistry meters,
            Runnable newClusterListener) {
        this.clusters = clusters;
        this.apps = apps;
        this.backends = backends;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.newClusterListener = newClusterListener;
        this.lastSuccessMillis = new AtomicLong(clock.millis());
        io.micrometer.core.instrument.Gauge.builder(
                        "platy.reconcile.lag", lastSuccessMillis, last -> (clock.millis() - last.get()) / 1000.0)
                .baseUnit("seconds")
                .description("Time since the last completed cycle")
                .tag("reconciler", "clusters")
                .register(meters);
    }

    /**
     * Reads the providers unless the last read started less than {@code cluster-interval} ago: providers such as
     * EMR have a small API budget, so clusters are read at their own pace, not on every app cycle. Apps of clusters
     * that ended (also those ended through the API) are failed every time; that costs only the store.
     */
    public Result reconcileIfDue() {
        long last = lastStartMillis.get();
        if (last != Long.MIN_VALUE
                && clock.millis() - last < properties.clusterInterval().toMillis()) {
            return new Result(0, 0, failAppsOfEndedClusters(), 0, 0);
        }
        return reconcileOnce();
    }

    public Result reconcileOnce() {
        lastStartMillis.set(clock.millis());
        Timer.Sample sample = Timer.start(meters);
        Map<ClusterBackend, List<Cluster>> byBackend = new IdentityHashMap<>();
        // Every provider is asked, also one that watches no recorded cluster: it may hold orphans.
        backends.all().forEach(b -> byBackend.put(b, new ArrayList<>()));
        for (Cluster cluster : clusters.findActive()) {
            if (cluster.managed() && cluster.externalId() == null) {
                continue; // the provisioner has not created it yet
            }
            try {
                byBackend
                        .computeIfAbsent(backends.forCluster(cluster), b -> new ArrayList<>())
                        .add(cluster);
            } catch (BackendRejectedException e) {
                log.debug("no provider watches cluster '{}': {}", cluster.name(), e.getMessage());
            }
        }
        int changed = 0;
        int died = 0;
        int backendErrors = 0;
        int orphans = 0;
        for (Map.Entry<ClusterBackend, List<Cluster>> entry : byBackend.entrySet()) {
            ClusterBackend.Observation observation;
            try {
                observation = entry.getKey().observe(entry.getValue());
            } catch (RuntimeException e) {
                backendErrors++;
                log.warn(
                        "cannot read cluster states from {}: {}; nothing changed",
                        entry.getKey().name(),
                        e.getMessage());
                continue;
            }
            Map<UUID, ClusterStatus> statuses = observation.statuses();
            for (ClusterBackend.Untracked untracked : observation.untracked()) {
                orphans += terminateIfOrphan(entry.getKey(), untracked) ? 1 : 0;
            }
            for (Cluster cluster : entry.getValue()) {
                ClusterStatus status = statuses.get(cluster.id());
                if (status == null) {
                    continue;
                }
                Outcome outcome = apply(entry.getKey(), cluster, status);
                changed += outcome == Outcome.UNCHANGED ? 0 : 1;
                died += outcome == Outcome.DIED ? 1 : 0;
            }
        }
        int failedApps = failAppsOfEndedClusters();
        lastSuccessMillis.set(clock.millis());
        sample.stop(meters.timer(
                "platy.reconcile.cycle",
                "reconciler",
                "clusters",
                "outcome",
                backendErrors == 0 ? "success" : "partial"));
        return new Result(changed, died, failedApps, backendErrors, orphans);
    }

    /**
     * Terminates a live cluster carrying a platform id unless the store owns it: an active record with that id
     * whose provider id is this cluster's, or not yet known (its create is under way and will adopt it).
     */
    private boolean terminateIfOrphan(ClusterBackend backend, ClusterBackend.Untracked untracked) {
        UUID platformId;
        try {
            platformId = UUID.fromString(untracked.platformId());
        } catch (IllegalArgumentException e) {
            platformId = null; // no id this platform gives out
        }
        Cluster owner = platformId == null ? null : clusters.find(platformId).orElse(null);
        if (owner != null
                && !owner.state().isTerminated()
                && (owner.externalId() == null || owner.externalId().equals(untracked.externalId()))) {
            return false;
        }
        Cluster orphan = new Cluster(
                platformId == null ? UUID.randomUUID() : platformId,
                untracked.name(),
                ClusterKind.DEDICATED,
                null,
                "{}",
                untracked.externalId(),
                null,
                null,
                ClusterState.WAITING,
                null,
                null,
                null,
                null,
                null);
        try {
            backend.terminate(orphan);
        } catch (RuntimeException e) {
            log.warn(
                    "orphan cluster {} ('{}', platform id {}) could not be terminated: {}; will retry",
                    untracked.externalId(),
                    untracked.name(),
                    untracked.platformId(),
                    e.getMessage());
            meters.counter("platy.clusters.orphans", "backend", backend.name(), "outcome", "error")
                    .increment();
            return false;
        }
        log.atWarn()
                .addKeyValue("cluster", untracked.name())
                .addKeyValue("externalId", untracked.externalId())
                .addKeyValue("platformId", untracked.platformId())
                .log(
                        "terminated orphan cluster {} ('{}'): tagged with platform id {}, which {}",
                        untracked.externalId(),
                        untracked.name(),
                        untracked.platformId(),
                        owner == null
                                ? "the store does not know"
                                : "belongs to " + owner.externalId() + " (" + owner.state() + ")");
        meters.counter("platy.clusters.orphans", "backend", backend.name(), "outcome", "terminated")
                .increment();
        return true;
    }

    private Outcome apply(ClusterBackend backend, Cluster cluster, ClusterStatus status) {
        if (cluster.state() == ClusterState.TERMINATING && !status.state().isEnding()) {
            // A terminate was asked for but the provider still runs it (the first call failed): ask again.
            try {
                backend.terminate(cluster);
            } catch (RuntimeException e) {
                log.warn("terminate of cluster '{}' failed again: {}", cluster.name(), e.getMessage());
            }
            return Outcome.UNCHANGED;
        }
        // A provider that gives no reason says nothing new about the reason: not a change (else every cycle
        // would write and log WAITING -> WAITING).
        boolean same = status.state() == cluster.state()
                && (status.reason() == null || status.reason().equals(cluster.stateReason()))
                && (status.masterDns() == null || status.masterDns().equals(cluster.masterDns()))
                && (status.livyUrl() == null || status.livyUrl().equals(cluster.livyUrl()));
        if (same
                || (cluster.state() == ClusterState.TERMINATING
                        && !status.state().isTerminated())) {
            return Outcome.UNCHANGED;
        }
        var updated = clusters.transition(
                cluster.id(),
                cluster.state(),
                status.state(),
                status.reason(),
                status.externalId(),
                status.masterDns(),
                status.livyUrl());
        if (updated.isEmpty()) {
            return Outcome.UNCHANGED;
        }
        // A provider's reason can quote a URI or connection string: masked like every line that leaves the store.
        String reason = SecretRedactor.redactText(status.reason(), Map.of());
        log.atInfo()
                .addKeyValue("cluster", cluster.name())
                .addKeyValue("from", cluster.state())
                .addKeyValue("to", status.state())
                .addKeyValue("reason", reason)
                .log("cluster {} {} -> {}", cluster.name(), cluster.state(), status.state());
        if (!status.state().isTerminated()) {
            return Outcome.CHANGED;
        }
        boolean diedOnItsOwn = cluster.state() != ClusterState.TERMINATING;
        if (diedOnItsOwn
                && cluster.kind() == ClusterKind.SHARED
                && cluster.managed()
                && properties.recreateSharedClusters()) {
            var again = clusters.getOrCreate(new NewCluster(
                    cluster.name(),
                    cluster.kind(),
                    cluster.team(),
                    cluster.config(),
                    null,
                    ClusterState.STARTING,
                    cluster.idleTimeout()));
            if (again.created()) {
                log.warn("shared cluster '{}' died ({}); re-creating it", cluster.name(), reason);
                meters.counter(
                                "platy.clusters.recreated",
                                "kind",
                                cluster.kind().name())
                        .increment();
                newClusterListener.run();
            }
        }
        return Outcome.DIED;
    }

    /** Active apps whose cluster has ended fail with that cluster's reason, whoever ended it. */
    private int failAppsOfEndedClusters() {
        int failed = 0;
        for (SparkAppStore.Orphan orphan : apps.findActiveOnTerminatedClusters(500)) {
            String reason = "cluster '" + orphan.clusterName() + "' " + orphan.clusterState()
                    + (orphan.clusterReason() == null ? "" : ": " + orphan.clusterReason());
            MDC.put("appId", orphan.app().id().toString());
            if (orphan.app().requestId() != null) {
                MDC.put("requestId", orphan.app().requestId());
            }
            try {
                if (apps.transition(orphan.app().id(), orphan.app().state(), AppTransition.to(AppState.FAILED, reason))
                        .applied()) {
                    failed++;
                }
            } finally {
                MDC.remove("appId");
                MDC.remove("requestId");
            }
        }
        return failed;
    }

    private enum Outcome {
        UNCHANGED,
        CHANGED,
        DIED
    }

    /** What a cycle saw and did. */
    public record Result(int changed, int died, int appsFailed, int backendErrors, int orphansTerminated) {}
}
