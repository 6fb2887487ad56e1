package io.platyspark.core.quota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppStateListener;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.JdbcSparkAppStore;
import io.platyspark.core.app.NewSparkApp;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.JdbcClusterStore;
import io.platyspark.core.cluster.NewCluster;
import io.platyspark.core.submit.SubmissionProperties;
import io.platyspark.core.submit.SubmissionWorker;
import io.platyspark.core.testing.FakeSparkBackend;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.TestDatabase;
import io.platyspark.core.testing.TestQuotas;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Quotas and fair dispatch on the real PostgreSQL, with two stores standing for two server replicas. */
class FairShareStoreTest {

    private static final QuotaProperties DEFAULTS = TestQuotas.admissionWait(Duration.ofSeconds(2));

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final DataSource dataSource = TestDatabase.newMigratedDataSource();
    private final JdbcClient jdbc = JdbcClient.create(dataSource);
    private final JdbcTeamQuotas quotas = new JdbcTeamQuotas(jdbc, DEFAULTS, new JsonMapper(), clock);
    private final JdbcSparkAppStore replicaA = store();
    private final JdbcSparkAppStore replicaB = store();
    private final JdbcClusterStore clusters = clusterStore();

    private JdbcClusterStore clusterStore() {
        return new JdbcClusterStore(
                JdbcClient.create(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                clock);
    }

    private JdbcSparkAppStore store() {
        return new JdbcSparkAppStore(
                JdbcClient.create(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                new JsonMapper(),
                clock,
                AppStateListener.NONE,
                new JdbcTeamQuotas(JdbcClient.create(dataSource), DEFAULTS, new JsonMapper(), clock));
    }

    private static NewSparkApp app(String team, String name, Cluster cluster) {
        return new NewSparkApp(
                        name,
                        team,
                        cluster == null ? "etl" : cluster.name(),
                        "/apps/" + name + ".py",
                        null,
                        List.of(),
                        Map.of(),
                        null,
                        "req-" + name)
                .onCluster(cluster == null ? null : cluster.id());
    }

    private QuotaUpdate maxActive(int max) {
        return new QuotaUpdate(null, max, null, null, null, null);
    }

    @Test
    void twoReplicasRacingForTheLastSlotAdmitExactlyTheQuota() throws Exception {
        quotas.put("data", maxActive(3), "admin");
        replicaA.create(app("data", "one", null), "h1");
        replicaA.create(app("data", "two", null), "h2");
        CountDownLatch aInserted = new CountDownLatch(1);
        CountDownLatch commitA = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // Replica A takes the last slot in a transaction it holds open...
            Future<?> a = pool.submit(() -> new TransactionTemplate(new DataSourceTransactionManager(dataSource))
                    .executeWithoutResult(s -> {
                        replicaA.create(app("data", "three-a", null), "h3a");
                        aInserted.countDown();
                        waitFor(commitA);
                    }));
            assertThat(aInserted.await(30, TimeUnit.SECONDS)).isTrue();
            // ...while replica B asks for the same slot: B must wait for A, not count around A's uncommitted row.
            Future<?> b = pool.submit(() -> replicaB.create(app("data", "three-b", null), "h3b"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> jdbc.sql("select count(*) from pg_locks where locktype = 'advisory' and not granted")
                                    .query(Long.class)
                                    .single()
                            == 1);
            assertThat(b).isNotDone();
            commitA.countDown();
            a.get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> b.get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(QuotaExceededException.class)
                    .cause()
                    .hasMessageContaining("maxActiveApps is 3");
        } finally {
            commitA.countDown();
            pool.shutdownNow();
        }
        assertThat(activeApps("data")).isEqualTo(3);
    }

    @Test
    void manyConcurrentSubmitsOnTwoReplicasAdmitExactlyTheQuota() throws Exception {
        quotas.put("data", maxActive(5), "admin");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Boolean>> results = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int i = 0; i < 24; i++) {
                JdbcSparkAppStore replica = i % 2 == 0 ? replicaA : replicaB;
                String name = "app-" + i;
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        replica.create(app("data", name, null), name);
                        return true;
                    } catch (QuotaExceededException e) {
                        return false;
                    }
                }));
            }
            start.countDown();
            long admitted = 0;
            for (Future<Boolean> r : results) {
                admitted += r.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
        assertThat(activeApps("data")).isEqualTo(5);
    }

    @Test
    void aTeamsSubmitWaitingTooLongBehindItsEarlierOnesIsRefusedAndAnotherTeamIsNotHeldUp() throws Exception {
        QuotaProperties shortWait = TestQuotas.admissionWait(Duration.ofMillis(200));
        JdbcSparkAppStore gated = new JdbcSparkAppStore(
                JdbcClient.create(dataSource),
                new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                new JsonMapper(),
                clock,
                AppStateListener.NONE,
                new JdbcTeamQuotas(JdbcClient.create(dataSource), shortWait, new JsonMapper(), clock));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // The first submit is held inside its transaction (its caller's in-transaction work does not return)...
            Future<?> first = pool.submit(() -> gated.create(app("data", "first", null), "h1", created -> {
                inside.countDown();
                waitFor(leave);
            }));
            assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();

            // ...so a second submit of the same team waits without a connection, then is refused with when to retry,
            // and nothing of it is written.
            assertThatThrownBy(() -> gated.create(app("data", "second", null), "h2"))
                    .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                        assertThat(e.quota()).isEqualTo("concurrentSubmits");
                        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(1));
                    });
            assertThat(gated.create(app("web", "other", null), "h3").created()).isTrue();
            leave.countDown();
            first.get(30, TimeUnit.SECONDS);
            assertThat(gated.create(app("data", "third", null), "h4").created()).isTrue();
            assertThat(jdbc.sql("select name from apps where team = 'data' order by name")
                            .query(String.class)
                            .list())
                    .containsExactly("first", "third");
        } finally {
            leave.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void submitsPerMinuteRefusesWithWhenTheWindowHasRoomAgain() {
        quotas.put("data", new QuotaUpdate(null, null, 2, null, null, null), "admin");
        replicaA.create(app("data", "one", null), "h1");
        clock.advance(Duration.ofSeconds(20));
        replicaA.create(app("data", "two", null), "h2");
        clock.advance(Duration.ofSeconds(10));

        assertThatThrownBy(() -> replicaA.create(app("data", "three", null), "h3"))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                    assertThat(e.quota()).isEqualTo("submitsPerMinute");
                    // The first submit leaves the 60 s window 30 s from now.
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(30));
                });
        assertThat(activeApps("data")).as("nothing half-written").isEqualTo(2);
        // Another team is not held back by this one's quota.
        replicaA.create(app("web", "other", null), "h4");

        clock.advance(Duration.ofSeconds(31));
        assertThat(replicaA.create(app("data", "three", null), "h3").created()).isTrue();
    }

    @Test
    void anotherTeamsFirstAppIsClaimedInTheFirstRoundBehindAThousandDueApps() {
        Cluster etl = clusters.getOrCreate(
                        new NewCluster("etl", ClusterKind.SHARED, null, null, null, ClusterState.WAITING))
                .cluster();
        jdbc.sql("""
                insert into apps (id, name, team, cluster_name, cluster_id, source, state, next_attempt_at,
                                  created_at, updated_at)
                select gen_random_uuid(), 'a-' || g, 'team-a', 'etl', :cluster, '/apps/a.py', 'PENDING',
                       cast(:t as timestamptz) - make_interval(secs => 2000 - g), :t, :t
                from generate_series(1, 1000) g
                """)
                .param("cluster", etl.id())
                .param("t", Timestamp.from(clock.instant()))
                .update();
        clock.advance(Duration.ofSeconds(1));
        SparkApp b = replicaA.create(app("team-b", "b-first", etl), "hb").app();

        List<SparkApp> round = replicaB.claimForSubmission("worker-1", Duration.ofSeconds(15), 10);

        assertThat(round).hasSize(10);
        assertThat(round).extracting(SparkApp::id).contains(b.id());
        assertThat(round).filteredOn(a -> a.team().equals("team-a")).hasSize(9);
    }

    @Test
    void teamsTakeTurnsWeightedByTheirShare() {
        quotas.put("team-a", new QuotaUpdate(3, null, null, null, null, null), "admin");
        for (int i = 0; i < 10; i++) {
            replicaA.create(app("team-a", "a" + i, null), "a" + i);
            replicaA.create(app("team-b", "b" + i, null), "b" + i);
            clock.advance(Duration.ofMillis(1));
        }

        List<SparkApp> round = replicaA.claimForSubmission("worker-1", Duration.ofSeconds(15), 8);

        assertThat(round).filteredOn(a -> a.team().equals("team-a")).hasSize(6);
        assertThat(round).filteredOn(a -> a.team().equals("team-b")).hasSize(2);
        // Within a team, oldest first.
        assertThat(round)
                .filteredOn(a -> a.team().equals("team-b"))
                .extracting(SparkApp::name)
                .containsExactly("b0", "b1");
    }

    @Test
    void anAppOverTheRunningLimitWaitsQueuedAndStartsWhenASlotFrees() {
        quotas.put("data", new QuotaUpdate(null, null, null, Map.of("DEDICATED", 1), null, null), "admin");
        Cluster etl = clusters.getOrCreate(
                        new NewCluster("etl", ClusterKind.DEDICATED, "data", null, null, ClusterState.WAITING))
                .cluster();
        FakeSparkBackend backend = new FakeSparkBackend();
        SubmissionWorker worker = new SubmissionWorker(
                replicaA,
                clusters,
                new SparkBackends(List.of(backend)),
                new SubmissionProperties(
                        true,
                        1,
                        10,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(15),
                        3,
                        Duration.ofSeconds(10),
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(15)),
                clock,
                new SimpleMeterRegistry());
        SparkApp first = replicaA.create(app("data", "first", etl), "h1").app();
        clock.advance(Duration.ofMillis(10));
        SparkApp second = replicaA.create(app("data", "second", etl), "h2").app();
        clock.advance(Duration.ofMillis(10));
        SparkApp third = replicaA.create(app("data", "third", etl), "h3").app();
        // Another team on the same cluster is not held back by this team's limit.
        SparkApp other = replicaA.create(app("web", "other", etl), "h4").app();

        worker.runOnce();

        assertThat(state(first)).isEqualTo(AppState.SUBMITTED);
        assertThat(state(other)).isEqualTo(AppState.SUBMITTED);
        SparkApp waiting = replicaA.find(second.id()).orElseThrow();
        assertThat(waiting.state()).isEqualTo(AppState.QUEUED);
        assertThat(waiting.stateReason())
                .contains("runs 1 apps on DEDICATED clusters, its quota is 1")
                .contains("position 1");
        assertThat(replicaA.find(third.id()).orElseThrow().stateReason()).contains("position 2");
        assertThat(quotas.usage("data").queued()).isEqualTo(2);
        assertThat(quotas.usage("data").running()).containsEntry("DEDICATED", 1L);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        new TeamUsageGauges(jdbc, meters).refresh();
        assertThat(meters.get("platy.team.apps")
                        .tags("team", "data", "state", "QUEUED")
                        .gauge()
                        .value())
                .isEqualTo(2.0);

        worker.runOnce();
        assertThat(state(second)).as("no slot yet").isEqualTo(AppState.QUEUED);

        replicaA.transition(first.id(), AppState.SUBMITTED, AppTransition.to(AppState.SUCCEEDED, "done"));
        worker.runOnce();

        assertThat(state(second)).isEqualTo(AppState.SUBMITTED);
        assertThat(state(third)).as("one slot, one app").isEqualTo(AppState.QUEUED);
        assertThat(replicaA.events(second.id()))
                .extracting(e -> e.toState())
                .containsSubsequence(AppState.PENDING, AppState.QUEUED, AppState.SUBMITTED);
    }

    @Test
    void aClusterThePlatformWouldCreateOverTheTeamsClusterQuotaIsForbiddenNamingTheQuota() {
        quotas.put("data", new QuotaUpdate(null, null, null, null, 1, null), "admin");
        // Any provider's presets will do: what is checked is the quota, before the provider is asked.
        var configs = new io.platyspark.core.cluster.ClusterConfigs() {
            @Override
            public ValidConfig validate(String field, String json, String name, String team) {
                return new ValidConfig(json, Duration.ofMinutes(30));
            }

            @Override
            public java.util.Optional<ValidConfig> preset(ClusterKind kind, String name, String team) {
                return java.util.Optional.of(new ValidConfig("{\"name\":\"" + name + "\"}", Duration.ofMinutes(30)));
            }
        };
        var service = new io.platyspark.core.service.ClusterService(
                clusters,
                new io.platyspark.core.backend.ClusterBackends(List.of()),
                configs,
                new io.platyspark.core.security.SourcePolicy(List.of(), java.util.Set.of(), List.of()),
                () -> {},
                quotas::checkClusters);
        var caller = new io.platyspark.core.security.Caller("data-token", "data", false);

        service.getOrCreate(
                caller, new io.platyspark.core.cluster.ClusterRequest("dev-one", ClusterKind.DEV, "data", null, null));
        // An existing Livy registered by URL is the team's own: it does not count and is not refused.
        clusters.getOrCreate(new NewCluster(
                "registered", ClusterKind.DEDICATED, "data", null, "http://livy:8998", ClusterState.WAITING));

        assertThatThrownBy(() -> service.getOrCreate(
                        caller,
                        new io.platyspark.core.cluster.ClusterRequest("dev-two", ClusterKind.DEV, "data", null, null)))
                .isInstanceOfSatisfying(io.platyspark.core.security.ForbiddenException.class, e -> {
                    assertThat(e.field()).isEqualTo("maxClusters");
                    assertThat(e.getMessage()).contains("maxClusters is 1");
                });
        assertThat(quotas.usage("data").clusters()).isEqualTo(1);
        // Another team is not held back.
        service.getOrCreate(
                new io.platyspark.core.security.Caller("web-token", "web", false),
                new io.platyspark.core.cluster.ClusterRequest("web-dev", ClusterKind.DEV, "web", null, null));
    }

    /**
     * Two stores (two replicas) and 24 threads create distinct dev clusters for a team that has room for 2 more:
     * exactly 2 are recorded, because each store counts under the team's lock in the transaction that inserts.
     */
    @Test
    void twoReplicasRacingForATeamsLastClusterSlotsCreateExactlyTheQuota() throws Exception {
        quotas.put("race", new QuotaUpdate(null, null, null, null, 3, null), "admin");
        clusters.getOrCreate(devCluster("race-0", 1), quotas::checkClusters);
        List<JdbcClusterStore> replicas = List.of(clusterStore(), clusterStore());
        List<JdbcTeamQuotas> replicaQuotas = List.of(
                new JdbcTeamQuotas(JdbcClient.create(dataSource), DEFAULTS, new JsonMapper(), clock),
                new JdbcTeamQuotas(JdbcClient.create(dataSource), DEFAULTS, new JsonMapper(), clock));
        int threads = 24;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        try {
            for (int i = 1; i <= threads; i++) {
                int n = i;
                outcomes.add(pool.submit(() -> {
                    go.await();
                    try {
                        return replicas.get(n % 2)
                                .getOrCreate(devCluster("race-" + n, 1), replicaQuotas.get(n % 2)::checkClusters)
                                .created();
                    } catch (ClusterQuotaExceededException e) {
                        assertThat(e.quota()).isEqualTo("maxClusters");
                        assertThat(e.limit()).isEqualTo(3);
                        return false;
                    }
                }));
            }
            go.countDown();
            int created = 0;
            for (Future<Boolean> outcome : outcomes) {
                created += outcome.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(created).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
        assertThat(quotas.usage("race").clusters()).isEqualTo(3);
    }

    @Test
    void aClusterOverTheTeamsCapacityQuotaIsForbiddenNamingTheQuotaUsageAndLimit() {
        quotas.put("gpu", new QuotaUpdate(null, null, null, null, null, null, 10), "admin");
        // The provider measures a config's capacity; here the config says it outright.
        var configs = new io.platyspark.core.cluster.ClusterConfigs() {
            @Override
            public ValidConfig validate(String field, String json, String name, String team) {
                int units = new JsonMapper().readTree(json).get("units").asInt();
                return new ValidConfig(json, null, units);
            }

            @Override
            public java.util.Optional<ValidConfig> preset(ClusterKind kind, String name, String team) {
                return java.util.Optional.empty();
            }
        };
        var service = new io.platyspark.core.service.ClusterService(
                clusters,
                new io.platyspark.core.backend.ClusterBackends(List.of()),
                configs,
                new io.platyspark.core.security.SourcePolicy(List.of(), java.util.Set.of(), List.of()),
                () -> {},
                quotas::checkClusters);
        var caller = new io.platyspark.core.security.Caller("gpu-token", "gpu", false);

        service.getOrCreate(caller, sized("big", 6));

        assertThatThrownBy(() -> service.getOrCreate(caller, sized("big-too", 6)))
                .isInstanceOfSatisfying(ClusterQuotaExceededException.class, e -> {
                    assertThat(e.quota()).isEqualTo("maxCapacityUnits");
                    assertThat(e.usage()).isEqualTo(6);
                    assertThat(e.limit()).isEqualTo(10);
                    assertThat(e.getMessage()).contains("asks for 6").contains("maxCapacityUnits is 10");
                });
        assertThat(clusters.findActive("big-too")).isEmpty();
        // What still fits is created; the same name again is the same cluster, not a second charge.
        assertThat(service.getOrCreate(caller, sized("small", 4)).created()).isTrue();
        assertThat(service.getOrCreate(caller, sized("small", 4)).created()).isFalse();
        TeamUsage usage = quotas.usage("gpu");
        assertThat(usage.clusters()).isEqualTo(2);
        assertThat(usage.capacityUnits()).isEqualTo(10);
        assertThat(usage.quota().maxCapacityUnits()).isEqualTo(10);
        assertThat(quotas.quota("other").maxCapacityUnits()).as("the default").isEqualTo(500);
    }

    private static io.platyspark.core.cluster.ClusterRequest sized(String name, int units) {
        return new io.platyspark.core.cluster.ClusterRequest(
                name, ClusterKind.DEDICATED, "gpu", "{\"units\":" + units + "}", null);
    }

    private static NewCluster devCluster(String name, int units) {
        return new NewCluster(
                name, ClusterKind.DEV, "race", "{}", null, ClusterState.STARTING, null, null, null, units);
    }

    private AppState state(SparkApp app) {
        return replicaA.find(app.id()).orElseThrow().state();
    }

    private long activeApps(String team) {
        return jdbc.sql("select count(*) from apps where team = :team")
                .param("team", team)
                .query(Long.class)
                .single();
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
