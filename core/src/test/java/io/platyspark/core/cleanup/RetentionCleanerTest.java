package io.platyspark.core.cleanup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetentionCleanerTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);

    private RetentionCleaner cleaner(int batchSize, boolean dryRun) {
        return new RetentionCleaner(store.jdbc, properties(batchSize, 0, dryRun), clock, new SimpleMeterRegistry());
    }

    private static CleanupProperties properties(int batchSize, double pauseRatio, boolean dryRun) {
        return TestCleanupProperties.of(batchSize, 100, pauseRatio, dryRun);
    }

    private SparkApp finishedApp(String name) {
        SparkApp app = store.app(name, "etl");
        return store.apps
                .transition(app.id(), AppState.PENDING, AppTransition.to(AppState.SUCCEEDED, null))
                .current();
    }

    private long count(String table) {
        return store.jdbc.sql("select count(*) from " + table).query(Long.class).single();
    }

    @Test
    void retentionIsHonouredToTheMicrosecond() {
        SparkApp old = finishedApp("old");
        clock.advance(Duration.of(1, ChronoUnit.MICROS));
        SparkApp borderline = finishedApp("borderline");
        SparkApp active = store.app("active", "etl");
        clock.set(borderline.finishedAt().plus(Duration.ofDays(7)));

        RetentionCleaner.Result result = cleaner(100, false).runOnce();

        assertThat(result.apps()).isEqualTo(1);
        assertThat(store.apps.find(old.id())).isEmpty();
        assertThat(store.apps.find(borderline.id())).isPresent();
        assertThat(store.apps.find(active.id())).isPresent();
        assertThat(store.jdbc
                        .sql("select count(*) from app_events where app_id = :id")
                        .param("id", old.id())
                        .query(Long.class)
                        .single())
                .as("events go with their app")
                .isZero();
    }

    @Test
    void deletesInBoundedBatches() {
        sevenAppsPastTheirRetention();

        RetentionCleaner.Result result = cleaner(3, false).runOnce();

        assertThat(result.apps()).isEqualTo(7);
        assertThat(result.batches())
                .as("3 + 3 + 1 for apps, 1 empty for clusters")
                .isEqualTo(4);
        assertThat(count("apps")).isZero();
    }

    private void sevenAppsPastTheirRetention() {
        for (int i = 0; i < 7; i++) {
            finishedApp("app-" + i);
        }
        clock.advance(Duration.ofDays(8));
    }

    /** A cleaner in batches of 3 whose batch timer moves on {@code tick} at each reading, pausing with {@code pause}. */
    private RetentionCleaner pacedInBatchesOf3(double pauseRatio, Duration tick, RetentionCleaner.Pause pause) {
        AtomicLong nanos = new AtomicLong();
        return new RetentionCleaner(
                store.jdbc,
                properties(3, pauseRatio, false),
                clock,
                new SimpleMeterRegistry(),
                () -> nanos.getAndAdd(tick.toNanos()),
                pause);
    }

    @Test
    void pausesBetweenBatchesInProportionToTheirTimeAndNotAfterTheLast() {
        sevenAppsPastTheirRetention();
        // Each reading of the batch timer moves it on 15 ms, so every batch "takes" 15 ms: pauses of 1.5 × 15 ms.
        List<Duration> pauses = new ArrayList<>();
        RetentionCleaner cleaner = pacedInBatchesOf3(1.5, Duration.ofMillis(15), pauses::add);

        RetentionCleaner.Result result = cleaner.runOnce();

        assertThat(result.apps()).isEqualTo(7);
        assertThat(pauses)
                .as("after the first two full batches of apps; none after the last, none for the one cluster batch")
                .containsExactly(
                        Duration.ofMillis(22).plusNanos(500_000),
                        Duration.ofMillis(22).plusNanos(500_000));
    }

    @Test
    void theServicesPauseSleepsWhatItIsAskedNotAWholeMillisecond() throws InterruptedException {
        Duration asked = Duration.ofNanos(200_000);
        long[] slept = new long[41];
        for (int i = 0; i < slept.length; i++) {
            long started = System.nanoTime();
            RetentionCleaner.sleep(asked);
            slept[i] = System.nanoTime() - started;
        }
        Arrays.sort(slept);

        assertThat(slept[0]).as("never less than asked").isGreaterThanOrEqualTo(asked.toNanos());
        assertThat(Duration.ofNanos(slept[slept.length / 2]))
                .as("the median: Thread.sleep(0, 200_000) on Java 17 sleeps a whole millisecond")
                .isLessThan(Duration.ofMillis(1));
    }

    @Test
    void theServicesPauseEndsWhenTheThreadIsInterrupted() {
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> RetentionCleaner.sleep(Duration.ofMinutes(5)))
                .isInstanceOf(InterruptedException.class);
        assertThat(Thread.currentThread().isInterrupted())
                .as("cleared, as an InterruptedException does")
                .isFalse();
    }

    @Test
    void anInterruptedPauseEndsTheRunWithTheInterruptKept() {
        sevenAppsPastTheirRetention();
        RetentionCleaner cleaner = pacedInBatchesOf3(1, Duration.ofMillis(1), pause -> {
            throw new InterruptedException("stopping");
        });

        try {
            RetentionCleaner.Result result = cleaner.runOnce();

            assertThat(result.apps()).as("the first batch only").isEqualTo(3);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(count("apps")).isEqualTo(4);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void dryRunCountsAndDeletesNothing() {
        for (int i = 0; i < 4; i++) {
            finishedApp("app-" + i);
        }
        Cluster cluster = store.cluster("etl", ClusterState.WAITING);
        store.clusters.transition(
                cluster.id(), ClusterState.WAITING, ClusterState.TERMINATED, "idle", null, null, null);
        clock.advance(Duration.ofDays(8));

        RetentionCleaner.Result result = cleaner(2, true).runOnce();

        assertThat(result.apps()).isEqualTo(4);
        assertThat(result.clusters()).isEqualTo(1);
        assertThat(result.dryRun()).isTrue();
        assertThat(count("apps")).isEqualTo(4);
        assertThat(count("clusters")).isEqualTo(1);
    }

    @Test
    void terminatedClustersGoAfterTheirOwnRetentionActiveOnesStay() {
        Cluster gone = store.cluster("gone", ClusterState.WAITING);
        store.clusters.transition(gone.id(), ClusterState.WAITING, ClusterState.TERMINATED, "idle", null, null, null);
        Cluster alive = store.cluster("alive", ClusterState.WAITING);
        clock.advance(Duration.ofDays(2));
        assertThat(cleaner(10, false).runOnce().clusters()).isZero();
        clock.advance(Duration.ofDays(2));

        assertThat(cleaner(10, false).runOnce().clusters()).isEqualTo(1);
        assertThat(store.clusters.find(gone.id())).isEmpty();
        assertThat(store.clusters.find(alive.id())).isPresent();
    }

    /** 60k apps over 60 days from 2026-01-01, 90 % ended, an event each; {@link #explain} cuts off at day 30. */
    private void sixtyThousandAppsOverSixtyDays() {
        store.jdbc.sql("""
                insert into apps (id, name, team, cluster_name, source, state, next_attempt_at, created_at,
                                  updated_at, finished_at)
                select gen_random_uuid(), 'app-' || g, 'team-' || (g % 7), 'cluster-' || (g % 20), 's3://b/a.py',
                       case when g % 10 = 0 then 'RUNNING' when g % 10 = 1 then 'FAILED' else 'SUCCEEDED' end,
                       now(), t, t,
                       case when g % 10 = 0 then null else t + interval '5 minutes' end
                from generate_series(1, 60000) g,
                     lateral (select timestamptz '2026-01-01' + g * interval '86 seconds' as t) times
                """).update();
        store.jdbc.sql("""
                insert into app_events (app_id, at, from_state, to_state)
                select id, created_at, null, 'PENDING' from apps
                """).update();
        store.jdbc.sql("analyze apps").update();
        store.jdbc.sql("analyze app_events").update();
    }

    @Test
    void aPurgeBatchReadsTheFinishTimeIndexNotTheWholeTable() {
        sixtyThousandAppsOverSixtyDays();

        String plan = explain(RetentionCleaner.APPS);

        assertThat(plan).contains("apps_purge").doesNotContain("Seq Scan on apps");
        // The delete reaches each locked row by its place, not by a second descent of the primary key.
        assertThat(plan).contains("Tid Scan on apps").doesNotContain("apps_pkey");
        // The assertion can fail: without the index the same batch scans and sorts the table.
        store.jdbc.sql("drop index apps_purge").update();
        try {
            assertThat(explain(RetentionCleaner.APPS)).contains("Seq Scan on apps");
        } finally {
            store.jdbc
                    .sql("create index apps_purge on apps (finished_at) where state in "
                            + "('SUCCEEDED', 'FAILED', 'KILLED', 'LOST')")
                    .update();
        }
        assertThat(RetentionCleaner.CLUSTERS.where())
                .as("the clusters' index predicate, V8")
                .startsWith("state in ('TERMINATED', 'TERMINATED_WITH_ERRORS') and terminated_at < :cutoff");
        assertThat(explain(RetentionCleaner.CLUSTERS)).contains("clusters_purge");
    }

    @Test
    void theGenericPlanOfABatchKnowsItsSize() throws Exception {
        sixtyThousandAppsOverSixtyDays();
        // The plan PostgreSQL keeps for a statement the driver has prepared, once five were planned afresh.
        String sql = RetentionCleaner.APPS.batchSql(25).replace(":cutoff", "$1").replace(":from", "$2");
        List<String> plan = new ArrayList<>();
        try (java.sql.Connection connection = store.dataSource.getConnection();
                java.sql.Statement statement = connection.createStatement()) {
            statement.execute("set plan_cache_mode = force_generic_plan");
            statement.execute("prepare batch (timestamptz, timestamptz) as " + sql);
            try (java.sql.ResultSet rows =
                    statement.executeQuery("explain execute batch (timestamptz '2026-01-31', timestamptz 'epoch')")) {
                while (rows.next()) {
                    plan.add(rows.getString(1));
                }
            } finally {
                statement.execute("deallocate batch");
                statement.execute("reset plan_cache_mode");
            }
        }

        // With "limit $n" it expected a tenth of the rows it guessed (316 of 700,000 apps), looked dearer than a
        // fresh plan, and every batch was planned again: 0.15 ms of a 0.6 ms batch of 25 (pg_stat_statements).
        assertThat(String.join("\n", plan)).containsPattern("Limit  \\(cost=[0-9.]+ rows=25 ");
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aRowAnotherTransactionHoldsIsLeftForTheNextRunAndTheRestGoes() throws Exception {
        SparkApp held = finishedApp("held");
        SparkApp free = finishedApp("free");
        clock.advance(Duration.ofDays(60));
        RetentionCleaner.Result first;
        try (java.sql.Connection other = store.dataSource.getConnection()) {
            other.setAutoCommit(false);
            // A late writer on the ended app (a reconcile's note, say): it holds the row, and moves it on its page.
            try (var update = other.prepareStatement("update apps set updated_at = now() where id = ?")) {
                update.setObject(1, held.id());
                assertThat(update.executeUpdate()).isEqualTo(1);
            }

            first = cleaner(10, false).runOnce();

            assertThat(store.apps.find(held.id()))
                    .as("held by the other transaction")
                    .isPresent();
            other.commit();
        }
        assertThat(first.apps()).isEqualTo(1);
        assertThat(store.apps.find(free.id())).isEmpty();

        RetentionCleaner.Result second = cleaner(10, false).runOnce();

        assertThat(second.apps()).isEqualTo(1);
        assertThat(count("apps")).isZero();
        assertThat(count("app_events")).as("the events went with their apps").isZero();
    }

    @Test
    void aBatchCommitsWithoutWaitingForTheDiskAndSoOnlyItself() throws Exception {
        finishedApp("old");
        clock.advance(Duration.ofDays(60));
        try (java.sql.Connection connection = store.dataSource.getConnection()) {
            connection.createStatement().execute("set synchronous_commit = on");
            org.springframework.jdbc.core.simple.JdbcClient one =
                    org.springframework.jdbc.core.simple.JdbcClient.create(
                            new org.springframework.jdbc.datasource.SingleConnectionDataSource(connection, true));
            connection.setAutoCommit(false);

            int deleted = one.sql(RetentionCleaner.APPS.batchSql(10))
                    .param("cutoff", java.sql.Timestamp.from(clock.instant().minus(Duration.ofDays(30))))
                    .param("from", new java.sql.Timestamp(0))
                    .query((rs, n) -> rs.getInt("n"))
                    .single();
            String during =
                    one.sql("show synchronous_commit").query(String.class).single();
            connection.commit();
            String after =
                    one.sql("show synchronous_commit").query(String.class).single();
            connection.setAutoCommit(true);

            assertThat(deleted).isEqualTo(1);
            assertThat(during).as("the batch's transaction").isEqualTo("off");
            assertThat(after).as("the session's setting again").isEqualTo("on");
        }
        assertThat(count("apps")).isZero();
    }

    private String explain(RetentionCleaner.Target target) {
        return String.join(
                "\n",
                store.jdbc
                        .sql("explain " + target.batchSql(1000))
                        .param("cutoff", java.sql.Timestamp.from(java.time.Instant.parse("2026-01-31T00:00:00Z")))
                        .param("from", new java.sql.Timestamp(0))
                        .query(String.class)
                        .list());
    }
}
