package io.platyspark.core.reconcile;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendUnavailableException;
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
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Keeps recorded clusters true: per cycle one bulk read per provider (EMR: ListClusters pages), a compare-and-set
 * where the state, reason, master DNS or Livy URL changed, a repeated terminate for clusters still up after one
 * was asked for, the active apps of a dead cluster failed with the cluster's reason, and a shared cluster that
 * died re-created from its own config.
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

    public ClusterReconciler(ClusterStore clusters, SparkAppStore apps, ClusterBackends backends,
            ReconcileProperties properties, Clock clock, MeterRegistry meters, Runnable newClusterListener) {
        this.clusters = clusters;
        this.apps = apps;
        this.backends = backends;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.newClusterListener = newClusterListener;
        this.lastSuccessMillis = new AtomicLong(clock.millis());
        io.micrometer.core.instrument.Gauge.builder("platy.reconcile.lag", lastSuccessMillis,
                        last -> (clock.millis() - last.get()) / 1000.0)
                .baseUnit("seconds").description("Time since the last completed cycle")
                .tag("reconciler", "clusters").register(meters);
    }

    public Result reconcileOnce() {
        Timer.Sample sample = Timer.start(meters);
        Map<ClusterBackend, List<Cluster>> byBackend = new IdentityHashMap<>();
        for (Cluster cluster : clusters.findActive()) {
            if (cluster.managed() && cluster.externalId() == null) {
                continue; // the provisioner has not created it yet
            }
            try {
                byBackend.computeIfAbsent(backends.forCluster(cluster), b -> new ArrayList<>()).add(cluster);
            } catch (BackendRejectedException e) {
                log.debug("no provider watches cluster '{}': {}", cluster.name(), e.getMessage());
            }
        }
        int changed = 0;
        int died = 0;
        int backendErrors = 0;
        for (Map.Entry<ClusterBackend, List<Cluster>> entry : byBackend.entrySet()) {
            Map<UUID, ClusterStatus> statuses;
            try {
                statuses = entry.getKey().describeAll(entry.getValue());
            } catch (BackendUnavailableException e) {
                backendErrors++;
                log.warn("cannot read cluster states from {}: {}; nothing changed", entry.getKey().name(),
                        e.getMessage());
                continue;
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
        sample.stop(meters.timer("platy.reconcile.cycle", "reconciler", "clusters",
                "outcome", backendErrors == 0 ? "success" : "partial"));
        return new Result(changed, died, failedApps, backendErrors);
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
        if (same || (cluster.state() == ClusterState.TERMINATING && !status.state().isTerminated())) {
            return Outcome.UNCHANGED;
        }
        var updated = clusters.transition(cluster.id(), cluster.state(), status.state(), status.reason(),
                status.externalId(), status.masterDns(), status.livyUrl());
        if (updated.isEmpty()) {
            return Outcome.UNCHANGED;
        }
        log.atInfo().addKeyValue("cluster", cluster.name()).addKeyValue("from", cluster.state())
                .addKeyValue("to", status.state()).addKeyValue("reason", status.reason())
                .log("cluster {} {} -> {}", cluster.name(), cluster.state(), status.state());
        if (!status.state().isTerminated()) {
            return Outcome.CHANGED;
        }
        boolean diedOnItsOwn = cluster.state() != ClusterState.TERMINATING;
        if (diedOnItsOwn && cluster.kind() == ClusterKind.SHARED && cluster.managed()
                && properties.recreateSharedClusters()) {
            var again = clusters.getOrCreate(new NewCluster(cluster.name(), cluster.kind(), cluster.team(),
                    cluster.config(), null, ClusterState.STARTING, cluster.idleTimeout()));
            if (again.created()) {
                log.warn("shared cluster '{}' died ({}); re-creating it", cluster.name(), status.reason());
                meters.counter("platy.clusters.recreated", "kind", cluster.kind().name()).increment();
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
                if (apps.transition(orphan.app().id(), orphan.app().state(),
                        AppTransition.to(AppState.FAILED, reason)).applied()) {
                    failed++;
                }
            } finally {
                MDC.remove("appId");
                MDC.remove("requestId");
            }
        }
        return failed;
    }

    private enum Outcome { UNCHANGED, CHANGED, DIED }

    /** What a cycle saw and did. */
    public record Result(int changed, int died, int appsFailed, int backendErrors) {
    }
}
