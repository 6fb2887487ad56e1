package io.platyspark.backend.local.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.backend.local.LocalSparkProperties;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.reconcile.AppReconciler;
import io.platyspark.core.reconcile.ReconcileProperties;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracking on Spark standalone clusters costs one call to each cluster's master per watchdog cycle, however many
 * apps run on it (the O(clusters) rule every backend follows), and an unreachable master changes nothing.
 */
class StandaloneTrackingCallsTest {

    private static final int CLUSTERS = 3;
    private static final int APPS_PER_CLUSTER = 20;

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Map<String, MockWebServer> masters = new HashMap<>();
    private final List<SparkApp> apps = new ArrayList<>();
    private AppReconciler reconciler;

    @TempDir
    Path workDir;

    @BeforeEach
    void setUp() throws Exception {
        for (int c = 1; c <= CLUSTERS; c++) {
            String name = "team-cluster-" + c;
            store.managedCluster(name, ClusterKind.DEDICATED, "data", ClusterState.WAITING);
            MockWebServer master = new MockWebServer();
            master.setDispatcher(new MasterJson(name));
            master.start(0);
            masters.put(name, master);
            for (int a = 1; a <= APPS_PER_CLUSTER; a++) {
                SparkApp app = store.app(name + "-job-" + a, name);
                apps.add(store.apps
                        .transition(
                                app.id(),
                                AppState.PENDING,
                                AppTransition.to(AppState.SUBMITTED, null)
                                        .withBackend(StandaloneSparkBackend.NAME, "pid-" + a))
                        .current());
            }
        }
        LocalSparkProperties runs = new LocalSparkProperties(
                true, null, "python3", workDir, "spark://unused", 4, Duration.ofSeconds(1), "localhost");
        StandaloneSparkBackend backend = new StandaloneSparkBackend(
                runs,
                new SparkMasterClient(new OkHttpClient()),
                cluster -> Optional.ofNullable(masters.get(cluster.name()))
                        .map(m -> new StandaloneSparkBackend.MasterEndpoint(
                                "spark://127.0.0.1:7077", m.url("/").uri(), Map.of())));
        ReconcileProperties properties = new ReconcileProperties(
                true,
                Duration.ofSeconds(5),
                Duration.ofMinutes(10),
                Duration.ofHours(6),
                Duration.ofHours(1),
                true,
                Duration.ofSeconds(30));
        reconciler = new AppReconciler(
                store.apps, store.clusters, new SparkBackends(List.of(backend), meters), properties, clock, meters);
    }

    @AfterEach
    void stop() {
        masters.values().forEach(MockWebServer::close);
    }

    @Test
    void oneMasterCallPerClusterPerCycleForSixtyApps() {
        AppReconciler.Result first = reconciler.reconcileOnce();
        AppReconciler.Result second = reconciler.reconcileOnce();

        assertThat(first.tracked()).isEqualTo(CLUSTERS * APPS_PER_CLUSTER);
        assertThat(first.changed()).as("every app seen running on its master").isEqualTo(CLUSTERS * APPS_PER_CLUSTER);
        assertThat(second.changed()).isZero();
        masters.forEach((name, master) -> assertThat(master.getRequestCount())
                .as("calls to the master of %s in two cycles", name)
                .isEqualTo(2));
        for (SparkApp app : apps) {
            SparkApp stored = store.apps.find(app.id()).orElseThrow();
            assertThat(stored.state()).isEqualTo(AppState.RUNNING);
            // Matched by name to the master's own id for it.
            assertThat(stored.backendAppId()).isEqualTo("app-" + app.name());
        }
    }

    @Test
    void anUnreachableMasterIsAnOutageNotVanishedApps() {
        reconciler.reconcileOnce();
        masters.get("team-cluster-2").close();
        clock.advance(Duration.ofHours(1));

        AppReconciler.Result result = reconciler.reconcileOnce();

        assertThat(result.backendErrors()).isEqualTo(1);
        assertThat(result.unknown())
                .as("nothing concluded about the apps of the unreachable master")
                .isZero();
        assertThat(apps)
                .allSatisfy(app -> assertThat(
                                store.apps.find(app.id()).orElseThrow().state())
                        .isEqualTo(AppState.RUNNING));
    }

    /** A standalone master's {@code /json}: alive, one worker, the cluster's apps running. */
    private static final class MasterJson extends Dispatcher {

        private final String cluster;

        MasterJson(String cluster) {
            this.cluster = cluster;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            if (!"/json".equals(request.getUrl().encodedPath())) {
                return new MockResponse.Builder().code(404).build();
            }
            StringBuilder apps = new StringBuilder();
            for (int a = 1; a <= APPS_PER_CLUSTER; a++) {
                String name = cluster + "-job-" + a;
                apps.append(a > 1 ? "," : "")
                        .append("{\"id\":\"app-")
                        .append(name)
                        .append("\",\"name\":\"")
                        .append(name)
                        .append("\",\"state\":\"RUNNING\",\"cores\":1}");
            }
            String body = "{\"url\":\"spark://127.0.0.1:7077\",\"aliveworkers\":1,\"workers\":[{\"state\":\"ALIVE\"}],"
                    + "\"activeapps\":[" + apps + "],\"completedapps\":[],\"status\":\"ALIVE\"}";
            return new MockResponse.Builder()
                    .code(200)
                    .setHeader("Content-Type", "application/json")
                    .body(body)
                    .build();
        }
    }
}
