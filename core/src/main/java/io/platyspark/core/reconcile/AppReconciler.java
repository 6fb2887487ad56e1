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
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.backend.StatusReader;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Brings the recorded state of apps in line with their backends: one status call per cluster per cycle, and a
 * compare-and-set only where something changed. A backend that cannot be asked changes nothing; an app its backend
 * answers without becomes {@code LOST} only after {@link ReconcileProperties#lostAfter()} of such answers in a row.
 * Apps stuck before or at submission are failed with a reason rather than left for ever.
 */
public class AppReconciler {

    private static final Logger log = LoggerFactory.getLogger(AppReconciler.class);
    /**
     * Apps per page: one backend status call each. Sized so a cluster's ordinary load (a thousand running apps) is
     * one page, and a page stays a few MB.
     */
    static final int PAGE_SIZE = 1_000;

    private final SparkAppStore apps;
    private final ClusterStore clusters;
    private final SparkBackends backends;
    private final ReconcileProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final AtomicLong lastSuccessMillis;
    private final int pageSize;

    public AppReconciler(
            SparkAppStore apps,
            ClusterStore clusters,
            SparkBackends backends,
            ReconcileProperties properties,
            Clock clock,
            MeterRegistry meters) {
        this(apps, clusters, backends, properties, clock, meters, PAGE_SIZE);
    }

    AppReconciler(
            SparkAppStore apps,
            ClusterStore clusters,
            SparkBackends backends,
            ReconcileProperties properties,
            Clock clock,
            MeterRegistry meters,
            int pageSize) {
        this.pageSize = pageSize;
        this.apps = apps;
        this.clusters = clusters;
        this.backends = backends;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.lastSuccessMillis = new AtomicLong(clock.millis());
        io.micrometer.core.instrument.Gauge.builder(
                        "platy.reconcile.lag", lastSuccessMillis, last -> (clock.millis() - last.get()) / 1000.0)
                .baseUnit("seconds")
                .description("Time since the last completed cycle")
                .tag("reconciler", "apps")
                .register(meters);
    }

    /**
     * One pass over every app the backends hold, then over apps stuck on the way there. Each cluster's apps are
     * read in pages of {@link #pageSize} (a keyset on the id), one backend status call per page: a cycle holds one
     * page of apps, not every active one (a watchdog held 717 MB at 190k apps when it loaded them all). The pages of
     * one cluster share a {@link StatusReader}, so a backend that reads the cluster's whole listing reads it once a
     * cycle, not once a page.
     */
    public Result reconcileOnce() {
        Timer.Sample sample = Timer.start(meters);
        int tracked = 0;
        int changed = 0;
        int unknown = 0;
        int lost = 0;
        int backendErrors = 0;
        java.util.Set<String> unreachable = new java.util.HashSet<>();
        for (String clusterName : apps.clusterNamesWithStates(AppState.onBackendStates())) {
            Optional<Cluster> cluster = clusters.findActive(clusterName);
            if (cluster.isEmpty()) {
                // The cluster reconciler fails these with the cluster's own reason.
                log.debug("apps are on cluster '{}', which is no longer active", clusterName);
                continue;
            }
            UUID after = null;
            List<SparkApp> page;
            StatusReader reader = null;
            do {
                page = apps.findByStatesPage(AppState.onBackendStates(), clusterName, null, after, pageSize);
                if (page.isEmpty()) {
                    break;
                }
                after = page.get(page.size() - 1).id();
                tracked += page.size();
                Map<UUID, BackendAppStatus> statuses;
                try {
                    if (reader == null) {
                        reader = backends.forCluster(cluster.get()).statusReader(cluster.get());
                    }
                    statuses = reader.status(page);
                } catch (BackendUnavailableException | BackendRejectedException e) {
                    backendErrors++;
                    unreachable.add(clusterName);
                    log.warn(
                            "cannot read app states on cluster '{}': {}; nothing changed", clusterName, e.getMessage());
                    break;
                }
                List<UUID> missing = new ArrayList<>();
                List<UUID> knownAgain = new ArrayList<>();
                for (SparkApp app : page) {
                    BackendAppStatus status = statuses.get(app.id());
                    if (status == null) {
                        missing.add(app.id());
                        continue;
                    }
                    if (app.unknownSince() != null) {
                        knownAgain.add(app.id());
                    }
                    if (apply(app, status)) {
                        changed++;
                    }
                }
                apps.noteKnown(knownAgain);
                unknown += missing.size();
                lost += markLost(page, apps.noteUnknown(missing));
            } while (page.size() == pageSize);
        }
        int stuck = failStuck(unreachable);
        lastSuccessMillis.set(clock.millis());
        sample.stop(meters.timer(
                "platy.reconcile.cycle", "reconciler", "apps", "outcome", backendErrors == 0 ? "success" : "partial"));
        return new Result(tracked, changed, unknown, lost, stuck, backendErrors);
    }

    private int markLost(List<SparkApp> onCluster, Map<UUID, Instant> unknownSince) {
        Instant now = clock.instant();
        int lost = 0;
        for (SparkApp app : onCluster) {
            Instant since = unknownSince.get(app.id());
            if (since == null || Duration.between(since, now).compareTo(properties.lostAfter()) < 0) {
                continue;
            }
            String reason = "the backend has not known the app for " + human(Duration.between(since, now))
                    + " (last recorded state " + app.state() + ")";
            if (transition(app, AppTransition.to(AppState.LOST, reason))) {
                lost++;
            }
        }
        return lost;
    }

    /**
     * Apps that never reached their backend, or that their backend never started, within the limits. An app on a
     * cluster that could not be asked this cycle is left alone: an outage never counts against it.
     */
    private int failStuck(java.util.Set<String> unreachableClusters) {
        Instant now = clock.instant();
        int failed = 0;
        // Only apps past the timeout are read, a page at a time: the queue itself may be long. A QUEUED app waits
        // for its own team's running apps to end, for as long as they run: that is the quota working, not the
        // platform stuck.
        java.util.Set<AppState> waiting = AppState.notYetSubmittedStates();
        waiting.remove(AppState.QUEUED);
        Instant pendingCutoff = now.minus(properties.pendingTimeout());
        UUID after = null;
        List<SparkApp> page;
        do {
            page = apps.findByStatesPage(waiting, null, pendingCutoff, after, pageSize);
            for (SparkApp app : page) {
                String reason = "not submitted within " + human(properties.pendingTimeout())
                        + (app.stateReason() == null ? "" : "; last: " + app.stateReason());
                if (transition(app, AppTransition.to(AppState.FAILED, reason))) {
                    failed++;
                }
            }
            after = page.isEmpty() ? null : page.get(page.size() - 1).id();
        } while (page.size() == pageSize);
        // Submitted before the cutoff means created before it too.
        Instant submittedCutoff = now.minus(properties.submittedTimeout());
        after = null;
        do {
            page = apps.findByStatesPage(
                    java.util.EnumSet.of(AppState.SUBMITTED), null, submittedCutoff, after, pageSize);
            for (SparkApp app : page) {
                Instant since = app.submittedAt() == null ? app.updatedAt() : app.submittedAt();
                if (Duration.between(since, now).compareTo(properties.submittedTimeout()) < 0
                        || unreachableClusters.contains(app.clusterName())) {
                    continue;
                }
                if (!stop(app)) {
                    continue; // recorded FAILED only once the backend has stopped it; tried again next cycle
                }
                String reason = "the backend accepted the app but did not start it within "
                        + human(properties.submittedTimeout()) + "; stopped it";
                if (transition(app, AppTransition.to(AppState.FAILED, reason))) {
                    failed++;
                }
            }
            after = page.isEmpty() ? null : page.get(page.size() - 1).id();
        } while (page.size() == pageSize);
        return failed;
    }

    /** Stops a stuck app at its backend; false when the backend could not be reached to do it. */
    private boolean stop(SparkApp app) {
        try {
            Cluster cluster = clusters.findActive(app.clusterName()).orElse(null);
            if (cluster != null) {
                backends.forCluster(cluster).kill(cluster, app);
            }
            return true;
        } catch (BackendUnavailableException e) {
            log.warn(
                    "could not stop stuck app {} on its backend: {}; trying again next cycle",
                    app.id(),
                    e.getMessage());
            return false;
        } catch (RuntimeException e) {
            // Refused or unknown there: nothing runs that could be stopped.
            log.warn("stopping stuck app {} was refused by its backend: {}", app.id(), e.getMessage());
            return true;
        }
    }

    private boolean apply(SparkApp app, BackendAppStatus status) {
        AppState next = status.state();
        if (goesBackwards(app.state(), next)) {
            return false;
        }
        AppLinks merged = app.links().merge(status.links());
        boolean factsChanged = !merged.equals(app.links())
                || (status.backendAppId() != null && !Objects.equals(status.backendAppId(), app.backendAppId()))
                || (status.metrics() != null && !status.metrics().equals(app.metrics()));
        if (next == app.state() && !factsChanged) {
            return false;
        }
        return transition(
                app,
                AppTransition.to(next, status.reason())
                        .withBackendAppId(status.backendAppId())
                        .withLinks(status.links())
                        .withMetrics(status.metrics()));
    }

    private boolean transition(SparkApp app, AppTransition change) {
        MDC.put("appId", app.id().toString());
        if (app.requestId() != null) {
            MDC.put("requestId", app.requestId());
        }
        try {
            return apps.transition(app.id(), app.state(), change).applied();
        } finally {
            MDC.remove("appId");
            MDC.remove("requestId");
        }
    }

    /** A backend that lags behind (still "starting" after we saw "running") never moves an app back. */
    private static boolean goesBackwards(AppState current, AppState reported) {
        return current == AppState.RUNNING && reported == AppState.SUBMITTED;
    }

    static String human(Duration d) {
        if (d.toHours() > 0) {
            return d.toHours() + "h" + (d.toMinutesPart() > 0 ? d.toMinutesPart() + "m" : "");
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m" + (d.toSecondsPart() > 0 ? d.toSecondsPart() + "s" : "");
        }
        return d.toSeconds() + "s";
    }

    /** What a cycle saw and did. */
    public record Result(int tracked, int changed, int unknown, int lost, int stuckFailed, int backendErrors) {}
}
