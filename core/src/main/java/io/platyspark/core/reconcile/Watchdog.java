package io.platyspark.core.reconcile;

import io.platyspark.core.metrics.StoreGauges;
import io.platyspark.core.schedule.LeaderLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watchdog cycle: clusters first (read from their providers at their own pace; apps of a cluster that died
 * fail with its reason), then apps, then the store gauges. Runs only in the process holding the {@code platy-watchdog} lock, so several watchdogs can run for
 * availability and the work is done once.
 */
public class Watchdog {

    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);
    static final String LOCK = "platy-watchdog";

    private final LeaderLock lock;
    private final ClusterReconciler clusters;
    private final AppReconciler apps;
    private final StoreGauges gauges;

    public Watchdog(LeaderLock lock, ClusterReconciler clusters, AppReconciler apps, StoreGauges gauges) {
        this.lock = lock;
        this.clusters = clusters;
        this.apps = apps;
        this.gauges = gauges;
    }

    /** Runs a cycle if this process is the leader; returns what it did, or null when another process leads. */
    public Cycle runOnce() {
        return lock.runIfLeader(LOCK, () -> {
            ClusterReconciler.Result clusterResult = null;
            AppReconciler.Result appResult = null;
            try {
                clusterResult = clusters.reconcileIfDue();
            } catch (RuntimeException e) {
                log.warn("cluster reconcile failed: {}", e.toString());
            }
            try {
                appResult = apps.reconcileOnce();
            } catch (RuntimeException e) {
                log.warn("app reconcile failed: {}", e.toString());
            }
            try {
                gauges.refresh();
            } catch (RuntimeException e) {
                log.debug("gauges not refreshed: {}", e.toString());
            }
            return new Cycle(clusterResult, appResult);
        });
    }

    /** What one cycle did (a part is null when it failed). */
    public record Cycle(ClusterReconciler.Result clusters, AppReconciler.Result apps) {}
}
