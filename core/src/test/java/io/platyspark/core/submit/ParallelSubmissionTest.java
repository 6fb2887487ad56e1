package io.platyspark.core.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendSubmission;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.testing.FakeSparkBackend;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A claimed batch is submitted in parallel, never more at once to one cluster than perClusterConcurrency. */
class ParallelSubmissionTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);
    private final FakeSparkBackend backend = new FakeSparkBackend();

    private SubmissionWorker worker(int concurrency, int perCluster) {
        return new SubmissionWorker(
                store.apps,
                store.clusters,
                new SparkBackends(List.of(backend)),
                new SubmissionProperties(
                        true,
                        1,
                        64,
                        concurrency,
                        perCluster,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(15),
                        3,
                        Duration.ofSeconds(10),
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(15)),
                clock,
                new SimpleMeterRegistry());
    }

    @Test
    void aBatchIsSubmittedInParallelWithinEachClustersBound() throws Exception {
        store.cluster("etl", ClusterState.WAITING);
        store.cluster("ml", ClusterState.WAITING);
        List<SparkApp> apps = new ArrayList<>();
        // All of etl's apps are older, so they come first in the batch: a busy etl must not hold up ml.
        for (String cluster : List.of("etl", "ml")) {
            for (int i = 0; i < 10; i++) {
                apps.add(store.app(cluster + "-" + i, cluster));
                clock.advance(Duration.ofMillis(1));
            }
        }
        Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> most = new ConcurrentHashMap<>();
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger ids = new AtomicInteger();
        backend.onSubmit(app -> {
            AtomicInteger now = inFlight.computeIfAbsent(app.clusterName(), c -> new AtomicInteger());
            int n = now.incrementAndGet();
            most.computeIfAbsent(app.clusterName(), c -> new AtomicInteger()).accumulateAndGet(n, Math::max);
            try {
                go.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            now.decrementAndGet();
            return new BackendSubmission("run-" + ids.incrementAndGet(), null, null, false);
        });
        SubmissionWorker worker = worker(8, 3);

        CompletableFuture<Integer> round = CompletableFuture.supplyAsync(worker::runOnce);
        // Both clusters get their full bound at once: the batch is not handled one app after another.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> inFlight.getOrDefault("etl", new AtomicInteger()).get() == 3
                        && inFlight.getOrDefault("ml", new AtomicInteger()).get() == 3);
        go.countDown();

        assertThat(round.get(60, TimeUnit.SECONDS)).isEqualTo(20);
        assertThat(most.get("etl").get()).isEqualTo(3);
        assertThat(most.get("ml").get()).isEqualTo(3);
        assertThat(apps)
                .allSatisfy(app -> assertThat(
                                store.apps.find(app.id()).orElseThrow().state())
                        .isEqualTo(AppState.SUBMITTED));
    }

    @Test
    void aClustersSlotIsHeldForTheBackendsCallNotWhileTheRecordWaits() throws Exception {
        store.cluster("etl", ClusterState.WAITING);
        List<SparkApp> apps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            apps.add(store.app("etl-" + i, "etl"));
            clock.advance(Duration.ofMillis(1));
        }
        SubmissionWorker worker = worker(4, 2);
        CompletableFuture<Integer> round;
        try (java.sql.Connection holder = store.dataSource.getConnection()) {
            // No record can be written while the events table is held: every lane that submitted waits.
            holder.setAutoCommit(false);
            holder.createStatement().execute("lock table app_events in exclusive mode");
            round = CompletableFuture.supplyAsync(worker::runOnce);

            // Two slots, four apps: the first two lanes give their slots back once their backend call is done, so
            // the other two submit while the first two wait for their records.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> backend.submitted().size() == 4);
            assertThat(round).isNotDone();
            holder.rollback();
        }

        assertThat(round.get(60, TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(apps)
                .allSatisfy(app -> assertThat(
                                store.apps.find(app.id()).orElseThrow().state())
                        .isEqualTo(AppState.SUBMITTED));
    }
}
