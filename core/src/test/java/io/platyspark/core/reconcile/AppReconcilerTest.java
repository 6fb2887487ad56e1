package io.platyspark.core.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.core.app.AppLinks;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.testing.FakeSparkBackend;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AppReconcilerTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);
    private final FakeSparkBackend backend = new FakeSparkBackend();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ReconcileProperties properties = new ReconcileProperties(
            true,
            Duration.ofSeconds(5),
            Duration.ofMinutes(10),
            Duration.ofHours(6),
            Duration.ofHours(1),
            true,
            Duration.ofSeconds(30));
    private final AppReconciler reconciler = new AppReconciler(
            store.apps, store.clusters, new SparkBackends(List.of(backend), meters), properties, clock, meters);

    @BeforeEach
    void clusters() {
        store.cluster("etl", ClusterState.WAITING);
        store.cluster("adhoc", ClusterState.WAITING);
    }

    private SparkApp submittedApp(String name, String cluster) {
        SparkApp app = store.app(name, cluster);
        return store.apps
                .transition(
                        app.id(),
                        AppState.PENDING,
                        AppTransition.to(AppState.SUBMITTED, null).withBackend("fake", name))
                .current();
    }

    private SparkApp stored(SparkApp app) {
        return store.apps.find(app.id()).orElseThrow();
    }

    @Test
    void statesAndLinksPropagateAndOnlyChangesAreWritten() {
        SparkApp app = submittedApp("daily", "etl");
        backend.setStatus(
                app.id(),
                new BackendAppStatus(
                        AppState.RUNNING,
                        null,
                        "application_1_0001",
                        new AppLinks("http://ui", "http://driver-log", null)));

        AppReconciler.Result first = reconciler.reconcileOnce();
        AppReconciler.Result second = reconciler.reconcileOnce();
        backend.setStatus(app.id(), new BackendAppStatus(AppState.SUCCEEDED, null, null, null));
        reconciler.reconcileOnce();

        assertThat(first.changed()).isEqualTo(1);
        assertThat(second.changed()).isZero();
        SparkApp done = stored(app);
        assertThat(done.state()).isEqualTo(AppState.SUCCEEDED);
        assertThat(done.backendAppId()).isEqualTo("application_1_0001");
        assertThat(done.links().sparkUiUrl())
                .as("links survive a status without them")
                .isEqualTo("http://ui");
        assertThat(store.apps.events(app.id()))
                .filteredOn(e -> e.fromState() != e.toState())
                .extracting(e -> e.toState())
                .containsExactly(AppState.PENDING, AppState.SUBMITTED, AppState.RUNNING, AppState.SUCCEEDED);
    }

    @Test
    void unreachableBackendChangesNothingAndIsCounted() {
        SparkApp app = submittedApp("daily", "etl");
        backend.failStatus(new BackendUnavailableException("fake", "connection refused", null));

        AppReconciler.Result result = reconciler.reconcileOnce();

        assertThat(result.backendErrors()).isEqualTo(1);
        assertThat(stored(app).state()).isEqualTo(AppState.SUBMITTED);
        assertThat(stored(app).updatedAt()).isEqualTo(app.updatedAt());
        assertThat(meters.counter("platy.backend.calls", "backend", "fake", "operation", "status", "outcome", "error")
                        .count())
                .isEqualTo(1);
    }

    @Test
    void appTheBackendDoesNotKnowIsLeftAsIsUntilTheLostInterval() {
        SparkApp app = submittedApp("daily", "etl");

        AppReconciler.Result first = reconciler.reconcileOnce();
        clock.advance(Duration.ofMinutes(9).plusSeconds(59));
        reconciler.reconcileOnce();

        assertThat(first.unknown()).isEqualTo(1);
        assertThat(stored(app).state()).as("not before the interval").isEqualTo(AppState.SUBMITTED);
        assertThat(stored(app).unknownSince()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));

        clock.advance(Duration.ofSeconds(1));
        AppReconciler.Result last = reconciler.reconcileOnce();

        assertThat(last.lost()).isEqualTo(1);
        assertThat(stored(app).state()).isEqualTo(AppState.LOST);
        assertThat(stored(app).stateReason())
                .contains("has not known the app for 10m")
                .contains("SUBMITTED");
    }

    @Test
    void anAppSeenAgainStartsTheLostIntervalAfresh() {
        SparkApp app = submittedApp("daily", "etl");
        reconciler.reconcileOnce();
        clock.advance(Duration.ofMinutes(8));
        backend.setStatus(app.id(), new BackendAppStatus(AppState.RUNNING, null, null, null));
        reconciler.reconcileOnce();
        backend.forget(app.id());
        clock.advance(Duration.ofMinutes(8));
        reconciler.reconcileOnce();

        assertThat(stored(app).state()).isEqualTo(AppState.RUNNING);
        assertThat(stored(app).unknownSince()).isEqualTo(clock.instant().truncatedTo(ChronoUnit.MICROS));
    }

    @Test
    void anOutageNeverCountsTowardsLost() {
        SparkApp app = submittedApp("daily", "etl");
        backend.failStatus(new BackendUnavailableException("fake", "connection refused", null));
        for (int minute = 0; minute < 30; minute++) {
            reconciler.reconcileOnce();
            clock.advance(Duration.ofMinutes(1));
        }
        backend.failStatus(null);
        AppReconciler.Result afterOutage = reconciler.reconcileOnce();

        assertThat(afterOutage.lost()).isZero();
        assertThat(stored(app).state()).isEqualTo(AppState.SUBMITTED);
        assertThat(stored(app).unknownSince())
                .as("counted from the first answer without the app")
                .isEqualTo(clock.instant().truncatedTo(ChronoUnit.MICROS));
    }

    @Test
    void appsStuckBeforeSubmissionFailWithTheirLastReason() {
        SparkApp waiting = store.app("waits", "etl");
        store.apps.transition(
                waiting.id(),
                AppState.PENDING,
                AppTransition.to(AppState.WAITING_FOR_CLUSTER, "waiting for cluster 'etl' (STARTING)"));
        clock.advance(Duration.ofHours(5));
        SparkApp young = store.app("young", "etl");

        reconciler.reconcileOnce();
        assertThat(stored(waiting).state()).isEqualTo(AppState.WAITING_FOR_CLUSTER);

        clock.advance(Duration.ofHours(1));
        AppReconciler.Result result = reconciler.reconcileOnce();

        assertThat(result.stuckFailed()).isEqualTo(1);
        assertThat(stored(waiting).state()).isEqualTo(AppState.FAILED);
        assertThat(stored(waiting).stateReason())
                .isEqualTo("not submitted within 6h; last: waiting for cluster 'etl' (STARTING)");
        assertThat(stored(young).state()).isEqualTo(AppState.PENDING);
    }

    @Test
    void appsTheBackendNeverStartsAreStoppedAndFailed() {
        SparkApp app = submittedApp("never-starts", "etl");
        backend.setStatus(app.id(), new BackendAppStatus(AppState.SUBMITTED, null, null, null));
        clock.advance(Duration.ofMinutes(59));
        reconciler.reconcileOnce();
        assertThat(stored(app).state()).isEqualTo(AppState.SUBMITTED);

        clock.advance(Duration.ofMinutes(1));
        reconciler.reconcileOnce();

        assertThat(stored(app).state()).isEqualTo(AppState.FAILED);
        assertThat(stored(app).stateReason()).contains("did not start it within 1h");
        assertThat(backend.killed()).containsExactly(app.id());
    }

    @Test
    void theSubmittedTimeoutNeverFiresWhileTheBackendCannotBeAskedOrCannotStopTheApp() {
        SparkApp app = submittedApp("during-outage", "etl");
        backend.setStatus(app.id(), new BackendAppStatus(AppState.SUBMITTED, null, null, null));
        backend.failStatus(new BackendUnavailableException("livy", "connect timed out", null));
        clock.advance(Duration.ofMinutes(61));

        assertThat(reconciler.reconcileOnce().backendErrors()).isEqualTo(1);
        assertThat(stored(app).state()).isEqualTo(AppState.SUBMITTED);
        assertThat(backend.killed()).isEmpty();

        backend.failStatus(null);
        backend.failKill(new BackendUnavailableException("livy", "connection reset", null));
        reconciler.reconcileOnce();
        assertThat(stored(app).state()).as("not recorded stopped before it is").isEqualTo(AppState.SUBMITTED);

        backend.failKill(null);
        reconciler.reconcileOnce();
        assertThat(stored(app).state()).isEqualTo(AppState.FAILED);
        assertThat(backend.killed()).containsExactly(app.id());
    }

    @Test
    void aLaggingBackendNeverMovesAnAppBack() {
        SparkApp app = submittedApp("daily", "etl");
        store.apps.transition(app.id(), AppState.SUBMITTED, AppTransition.to(AppState.RUNNING, null));
        backend.setStatus(app.id(), new BackendAppStatus(AppState.SUBMITTED, null, null, null));

        reconciler.reconcileOnce();

        assertThat(stored(app).state()).isEqualTo(AppState.RUNNING);
    }

    @Test
    void oneStatusCallPerClusterWhateverTheNumberOfApps() {
        List<SparkApp> apps = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            apps.add(submittedApp("etl-" + i, i % 4 == 0 ? "adhoc" : "etl"));
        }
        apps.forEach(a -> backend.setStatus(a.id(), new BackendAppStatus(AppState.RUNNING, null, null, null)));

        AppReconciler.Result result = reconciler.reconcileOnce();

        assertThat(backend.statusCalls()).isEqualTo(2);
        assertThat(result.tracked()).isEqualTo(40);
        assertThat(result.changed()).isEqualTo(40);
    }
}
