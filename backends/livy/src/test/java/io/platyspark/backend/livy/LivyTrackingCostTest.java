package io.platyspark.backend.livy;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.app.AppState;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.livy.BatchState;
import io.platyspark.livy.fake.FakeLivy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What one tracking cycle costs a Livy that retains many batches (issue 25, item 4): the apps tracked are the
 * newest, so the walk starts at the newest end and stops once every tracked app is found.
 */
class LivyTrackingCostTest {

    static final LivyProperties PROPERTIES = new LivyProperties(
            true,
            Duration.ofSeconds(5),
            Duration.ofSeconds(30),
            0,
            Duration.ofMillis(1),
            100,
            null,
            null,
            0,
            Duration.ofMinutes(10));

    final List<FakeLivy> livys = new ArrayList<>();

    @AfterEach
    void close() {
        livys.forEach(FakeLivy::close);
    }

    @Test
    void tenClustersWithTenThousandRetainedBatchesEachCostAtMostTwoListCallsPerClusterPerCycle() {
        LivySparkBackend backend = new LivySparkBackend(PROPERTIES, new OkHttpClient());
        Map<Cluster, List<SparkApp>> tracked = new java.util.LinkedHashMap<>();
        for (int c = 0; c < 10; c++) {
            FakeLivy livy = new FakeLivy();
            livys.add(livy);
            Cluster cluster = cluster("emr-" + c, livy.url());
            List<SparkApp> apps = new ArrayList<>();
            // 9,000 older batches (other users', or ended and retained), then 1,000 tracked ones among 100 more
            // ended ones: Livy's newest 1,100.
            for (int i = 0; i < 9_000; i++) {
                livy.addBatch("old-" + i, BatchState.SUCCESS);
            }
            for (int i = 0; i < 1_100; i++) {
                if (i % 11 == 5) {
                    livy.addBatch("ended-" + i, BatchState.DEAD);
                } else {
                    SparkApp app = app(cluster);
                    livy.addBatch(app.backendName(), BatchState.RUNNING);
                    apps.add(app);
                }
            }
            tracked.put(cluster, apps);
        }

        for (int cycle = 1; cycle <= 3; cycle++) {
            livys.forEach(FakeLivy::resetCounters);
            for (Map.Entry<Cluster, List<SparkApp>> entry : tracked.entrySet()) {
                Map<UUID, BackendAppStatus> statuses = backend.status(entry.getKey(), entry.getValue());
                assertThat(statuses)
                        .as("cycle %d finds every tracked app", cycle)
                        .hasSize(1_000);
                assertThat(statuses.values())
                        .allSatisfy(s -> assertThat(s.state()).isEqualTo(AppState.RUNNING));
            }
            for (FakeLivy livy : livys) {
                assertThat(livy.listCalls())
                        .as("list calls on one cluster in cycle %d", cycle)
                        .isBetween(1, 2);
                assertThat(livy.getCalls() + livy.stateCalls()).isZero();
            }
        }
    }

    @Test
    void aBatchCreatedSinceTheLastCycleAndOneFarBackAreBothFound() {
        LivySparkBackend backend = new LivySparkBackend(PROPERTIES, new OkHttpClient());
        FakeLivy livy = new FakeLivy();
        livys.add(livy);
        Cluster cluster = cluster("emr", livy.url());
        SparkApp old = app(cluster);
        livy.addBatch(old.backendName(), BatchState.RUNNING);
        for (int i = 0; i < 950; i++) {
            livy.addBatch("other-" + i, BatchState.SUCCESS);
        }
        assertThat(backend.status(cluster, List.of(old))).containsOnlyKeys(old.id());

        // 300 more batches since: the remembered end is no longer the end.
        for (int i = 0; i < 299; i++) {
            livy.addBatch("later-" + i, BatchState.SUCCESS);
        }
        SparkApp fresh = app(cluster);
        livy.addBatch(fresh.backendName(), BatchState.STARTING);
        livy.resetCounters();
        Map<UUID, BackendAppStatus> statuses = backend.status(cluster, List.of(old, fresh));
        assertThat(statuses).containsOnlyKeys(old.id(), fresh.id());
        assertThat(statuses.get(fresh.id()).state()).isEqualTo(AppState.SUBMITTED);
        assertThat(statuses.get(old.id()).state()).isEqualTo(AppState.RUNNING);
    }

    @Test
    void thePagesOfOneCycleShareOneWalk() {
        LivySparkBackend backend = new LivySparkBackend(PROPERTIES, new OkHttpClient());
        FakeLivy livy = new FakeLivy();
        livys.add(livy);
        Cluster cluster = cluster("emr", livy.url());
        List<SparkApp> apps = new ArrayList<>();
        for (int i = 0; i < 4_000; i++) {
            SparkApp app = app(cluster);
            livy.addBatch(app.backendName(), BatchState.RUNNING);
            apps.add(app);
        }
        // The reconciler pages by app id, which has nothing to do with the batches' order.
        apps.sort(java.util.Comparator.comparing(SparkApp::id));

        for (int cycle = 1; cycle <= 2; cycle++) {
            livy.resetCounters();
            var reader = backend.statusReader(cluster);
            int found = 0;
            for (int page = 0; page < 4; page++) {
                List<SparkApp> onPage = apps.subList(page * 1_000, (page + 1) * 1_000);
                Map<UUID, BackendAppStatus> statuses = reader.status(onPage);
                assertThat(statuses).as("cycle %d, page %d", cycle, page).hasSize(1_000);
                assertThat(statuses.keySet())
                        .containsExactlyInAnyOrderElementsOf(
                                onPage.stream().map(SparkApp::id).toList());
                found += statuses.size();
            }
            assertThat(found).isEqualTo(4_000);
            // Pages of 1,250 batches: the whole list once is four or five calls; a walk a page was twenty.
            assertThat(livy.listCalls()).as("list calls in cycle %d", cycle).isBetween(4, 5);
        }
    }

    @Test
    void aBatchCreatedDuringTheCycleIsFoundByALaterPage() {
        LivySparkBackend backend = new LivySparkBackend(PROPERTIES, new OkHttpClient());
        FakeLivy livy = new FakeLivy();
        livys.add(livy);
        Cluster cluster = cluster("emr", livy.url());
        SparkApp early = app(cluster);
        livy.addBatch(early.backendName(), BatchState.RUNNING);
        for (int i = 0; i < 500; i++) {
            livy.addBatch("other-" + i, BatchState.SUCCESS);
        }
        var reader = backend.statusReader(cluster);
        assertThat(reader.status(List.of(early))).containsOnlyKeys(early.id());

        SparkApp late = app(cluster);
        livy.addBatch(late.backendName(), BatchState.STARTING);
        Map<UUID, BackendAppStatus> statuses = reader.status(List.of(late));
        assertThat(statuses).containsOnlyKeys(late.id());
        assertThat(statuses.get(late.id()).state()).isEqualTo(AppState.SUBMITTED);
    }

    static Cluster cluster(String name, String livyUrl) {
        Instant now = Instant.parse("2026-03-01T08:00:00Z");
        return new Cluster(
                UUID.randomUUID(),
                name,
                ClusterKind.DEDICATED,
                "data",
                null,
                null,
                null,
                livyUrl,
                ClusterState.WAITING,
                null,
                now,
                now,
                null,
                null);
    }

    static SparkApp app(Cluster cluster) {
        Instant now = Instant.parse("2026-03-01T08:00:00Z");
        return new SparkApp(
                UUID.randomUUID(),
                "tracked",
                "data",
                cluster.name(),
                cluster.id(),
                "s3://b/app.py",
                null,
                List.of(),
                Map.of(),
                null,
                null,
                AppState.RUNNING,
                null,
                LivySparkBackend.NAME,
                "0",
                null,
                null,
                1,
                now,
                now,
                now,
                now,
                null,
                List.of(),
                List.of(),
                null,
                null,
                null,
                null,
                null,
                null);
    }
}
