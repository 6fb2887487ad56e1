package io.platyspark.core.reconcile;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.platyspark.core.app.AppLinks;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.SparkBackend;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterStore;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the recorded state of submitted apps in line with their backends: one status call per cluster per
 * cycle, and a compare-and-set only where something changed. A backend that cannot be asked changes nothing.
 */
public class AppReconciler {

    private static final Logger log = LoggerFactory.getLogger(AppReconciler.class);

    private final SparkAppStore apps;
    private final ClusterStore clusters;
    private final SparkBackends backends;
    private final MeterRegistry meters;

    public AppReconciler(SparkAppStore apps, ClusterStore clusters, SparkBackends backends, MeterRegistry meters) {
        this.apps = apps;
        this.clusters = clusters;
        this.backends = backends;
        this.meters = meters;
    }

    /** One pass over every app the backends hold. */
    public Result reconcileOnce() {
        Timer.Sample sample = Timer.start(meters);
        Map<String, List<SparkApp>> byCluster = apps.findByStates(AppState.onBackendStates()).stream()
                .collect(Collectors.groupingBy(SparkApp::clusterName, TreeMap::new, Collectors.toList()));
        int changed = 0;
        int unknown = 0;
        int backendErrors = 0;
        for (Map.Entry<String, List<SparkApp>> entry : byCluster.entrySet()) {
            Optional<Cluster> cluster = clusters.findActive(entry.getKey());
            if (cluster.isEmpty()) {
                log.warn("{} apps are on cluster '{}', which is no longer active", entry.getValue().size(),
                        entry.getKey());
                continue;
            }
            Map<UUID, BackendAppStatus> statuses;
            SparkBackend backend;
            try {
                backend = backends.forCluster(cluster.get());
                statuses = backend.status(cluster.get(), entry.getValue());
            } catch (BackendUnavailableException | BackendRejectedException e) {
                backendErrors++;
                meters.counter("platy.backend.errors", "operation", "status").increment();
                log.warn("cannot read app states on cluster '{}': {}; nothing changed", entry.getKey(),
                        e.getMessage());
                continue;
            }
            for (SparkApp app : entry.getValue()) {
                BackendAppStatus status = statuses.get(app.id());
                if (status == null) {
                    unknown++;
                } else if (apply(app, status)) {
                    changed++;
                }
            }
        }
        sample.stop(meters.timer("platy.reconcile.cycle", "reconciler", "apps"));
        return new Result(byCluster.values().stream().mapToInt(List::size).sum(), changed, unknown, backendErrors);
    }

    private boolean apply(SparkApp app, BackendAppStatus status) {
        AppState next = status.state();
        if (goesBackwards(app.state(), next)) {
            return false;
        }
        AppLinks merged = app.links().merge(status.links());
        boolean factsChanged = !merged.equals(app.links())
                || (status.backendAppId() != null && !Objects.equals(status.backendAppId(), app.backendAppId()));
        if (next == app.state() && !factsChanged) {
            return false;
        }
        return apps.transition(app.id(), app.state(), AppTransition.to(next, status.reason())
                        .withBackendAppId(status.backendAppId())
                        .withLinks(status.links()))
                .applied();
    }

    /** A backend that lags behind (still "starting" after we saw "running") never moves an app back. */
    private static boolean goesBackwards(AppState current, AppState reported) {
        return current == AppState.RUNNING && reported == AppState.SUBMITTED;
    }

    /** What a cycle saw and did. */
    public record Result(int tracked, int changed, int unknown, int backendErrors) {
    }
}
