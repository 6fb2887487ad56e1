package io.platyspark.core.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.platyspark.core.quota.JdbcTeamQuotas;
import io.platyspark.core.quota.QuotaExceededException;
import io.platyspark.core.quota.QuotaProperties;
import io.platyspark.core.quota.QuotaUpdate;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.TestDatabase;
import io.platyspark.core.testing.TestQuotas;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * A team's concurrent submits are stored a group at a time: one transaction for all that waited, each admitted
 * against the quota in order, and one bad submit failing only itself.
 */
class AdmissionGroupsTest {

    private static final QuotaProperties DEFAULTS = TestQuotas.admissionWait(Duration.ofSeconds(30));

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final DataSource dataSource = TestDatabase.newMigratedDataSource();
    private final JdbcClient jdbc = JdbcClient.create(dataSource);
    private final JdbcTeamQuotas quotas = new JdbcTeamQuotas(jdbc, DEFAULTS, new JsonMapper(), clock);
    private final JdbcSparkAppStore store = new JdbcSparkAppStore(
            jdbc,
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
            new JsonMapper(),
            clock,
            AppStateListener.NONE,
            quotas);
    private final ExecutorService pool = Executors.newFixedThreadPool(12);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static NewSparkApp app(String team, String name) {
        return new NewSparkApp(
                name, team, "etl", "/apps/" + name + ".py", null, List.of(), Map.of(), null, "req-" + name);
    }

    /** Holds the team's first submit inside its transaction until released, and lets {@code n} more queue. */
    private List<Future<SparkAppStore.CreateResult>> queueBehindAHeldSubmit(
            String team, int n, CountDownLatch release, java.util.function.IntFunction<NewSparkApp> app) {
        CountDownLatch inside = new CountDownLatch(1);
        List<Future<SparkAppStore.CreateResult>> results = new ArrayList<>();
        results.add(pool.submit(() -> store.create(app(team, "held"), "h-held", created -> {
            inside.countDown();
            waitFor(release);
        })));
        waitFor(inside);
        for (int i = 0; i < n; i++) {
            NewSparkApp next = app.apply(i);
            results.add(pool.submit(() -> store.create(next, "h-" + next.name(), created -> {
                if (created.app().name().equals("bad")) {
                    // as when the caller's own write in the transaction (its audit row) fails
                    throw new IllegalStateException("the audit row of 'bad' could not be written");
                }
            })));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> store.waitingToBeStored(team) == n);
        return results;
    }

    @Test
    void submitsThatWaitedTogetherAreStoredInOneTransaction() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Future<SparkAppStore.CreateResult>> results =
                queueBehindAHeldSubmit("data", 10, release, i -> app("data", "app-" + i));
        release.countDown();
        for (Future<SparkAppStore.CreateResult> r : results) {
            assertThat(r.get(30, TimeUnit.SECONDS).created()).isTrue();
        }
        // xmin names the transaction that wrote a row: the ten that waited share one.
        assertThat(jdbc.sql("select count(distinct xmin::text) from apps where name like 'app-%'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from app_events").query(Long.class).single())
                .isEqualTo(11);
    }

    @Test
    void aGroupOverTheQuotaAdmitsTheFirstInLineAndRefusesTheRest() throws Exception {
        quotas.put("data", new QuotaUpdate(null, 5, null, null, null, null), "admin");
        CountDownLatch release = new CountDownLatch(1);
        List<Future<SparkAppStore.CreateResult>> results =
                queueBehindAHeldSubmit("data", 8, release, i -> app("data", "app-" + i));
        release.countDown();
        int stored = 0;
        int refused = 0;
        for (Future<SparkAppStore.CreateResult> r : results) {
            try {
                r.get(30, TimeUnit.SECONDS);
                stored++;
            } catch (ExecutionException e) {
                assertThat(e.getCause())
                        .isInstanceOf(QuotaExceededException.class)
                        .hasMessageContaining("maxActiveApps is 5");
                refused++;
            }
        }
        assertThat(stored).isEqualTo(5);
        assertThat(refused).isEqualTo(4);
        assertThat(jdbc.sql("select count(*) from apps where team = 'data'")
                        .query(Long.class)
                        .single())
                .isEqualTo(5);
    }

    @Test
    void aBadSubmitInAGroupFailsAloneAndTheOthersAreStored() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // The fourth one's caller fails inside the transaction, which aborts the group's transaction.
        List<Future<SparkAppStore.CreateResult>> results = queueBehindAHeldSubmit(
                "data",
                6,
                release,
                i -> i == 3 ? app("data", "bad").onCluster(java.util.UUID.randomUUID()) : app("data", "app-" + i));
        release.countDown();
        List<String> stored = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (i == 4) {
                assertThatThrownBy(() -> results.get(4).get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("'bad'");
            } else {
                stored.add(results.get(i).get(30, TimeUnit.SECONDS).app().name());
            }
        }
        assertThat(stored).containsExactlyInAnyOrder("held", "app-0", "app-1", "app-2", "app-4", "app-5");
        assertThat(jdbc.sql("select name from apps order by name")
                        .query(String.class)
                        .list())
                .containsExactlyInAnyOrder("held", "app-0", "app-1", "app-2", "app-4", "app-5");
    }

    @Test
    void aReplayedKeyInTheSameGroupGetsTheFirstApp() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Future<SparkAppStore.CreateResult>> results = queueBehindAHeldSubmit(
                "data",
                2,
                release,
                i -> new NewSparkApp(
                        "same", "data", "etl", "/apps/same.py", null, List.of(), Map.of(), "key-1", "req-" + i));
        release.countDown();
        SparkAppStore.CreateResult first = results.get(1).get(30, TimeUnit.SECONDS);
        SparkAppStore.CreateResult second = results.get(2).get(30, TimeUnit.SECONDS);
        assertThat(List.of(first.created(), second.created())).containsExactlyInAnyOrder(true, false);
        assertThat(second.app().id()).isEqualTo(first.app().id());
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            assertThat(latch.await(60, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
