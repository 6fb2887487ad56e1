package io.platyspark.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.JdbcSparkAppStore;
import io.platyspark.core.app.NewSparkApp;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.TestDatabase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

class LeaderLockTest {

    private static final Duration LEASE = Duration.ofSeconds(15);
    /** Renewal that never comes within a test: the holder's renewing thread is as good as frozen. */
    private static final Duration FROZEN = Duration.ofDays(1);

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final DataSource dataSource = new FencingDataSource(TestDatabase.newMigratedDataSource());
    private final JdbcSparkAppStore apps = new JdbcSparkAppStore(
            JdbcClient.create(dataSource),
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
            new JsonMapper(),
            clock);

    @Test
    void twoProcessesAtOnceRunTheTaskOnce() throws Exception {
        LeaderLock first = new LeaderLock(dataSource, clock, LEASE, Duration.ofSeconds(5));
        LeaderLock second = new LeaderLock(dataSource, clock, LEASE, Duration.ofSeconds(5));
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);

        CompletableFuture<String> holder = CompletableFuture.supplyAsync(() -> first.runIfLeader("watchdog", () -> {
            runs.incrementAndGet();
            inside.countDown();
            await(release);
            return "first";
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
        String whileHeld = second.runIfLeader("watchdog", () -> {
            runs.incrementAndGet();
            return "second";
        });
        String otherTask = second.runIfLeader("cleaner", () -> "cleaner ran");
        release.countDown();

        assertThat(holder.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(whileHeld).as("skipped while the other holds the role").isNull();
        assertThat(otherTask).isEqualTo("cleaner ran");
        assertThat(runs).hasValue(1);
        assertThat(second.runIfLeader("watchdog", () -> "second"))
                .as("free again after the run")
                .isEqualTo("second");
    }

    @Test
    void aFrozenLeaderIsReplacedWithinOneLeaseAndItsLateWriteIsRefused() throws Exception {
        SparkApp app = apps.create(
                        new NewSparkApp(
                                "daily", "data", "etl", "/apps/daily.py", null, List.of(), Map.of(), null, "req-1"),
                        "hash")
                .app();
        LeaderLock frozen = new LeaderLock(dataSource, clock, LEASE, FROZEN);
        LeaderLock standby = new LeaderLock(dataSource, clock, LEASE, Duration.ofSeconds(5));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch wakeUp = new CountDownLatch(1);
        AtomicReference<Throwable> lateWrite = new AtomicReference<>();

        CompletableFuture<String> stalled = CompletableFuture.supplyAsync(() -> frozen.runIfLeader("watchdog", () -> {
            inside.countDown();
            await(wakeUp); // stalled: neither working nor renewing
            try {
                // What it had decided before it froze: the app is lost.
                apps.transition(app.id(), AppState.PENDING, AppTransition.to(AppState.LOST, "decided long ago"));
            } catch (RuntimeException e) {
                lateWrite.set(e);
            }
            return "woke";
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        assertThat(standby.runIfLeader("watchdog", () -> "standby"))
                .as("held within the lease")
                .isNull();
        clock.advance(LEASE);
        String took = standby.runIfLeader("watchdog", () -> {
            apps.transition(app.id(), AppState.PENDING, AppTransition.to(AppState.FAILED, "the new leader's call"));
            return "standby";
        });
        assertThat(took).as("replaced within one lease").isEqualTo("standby");
        wakeUp.countDown();
        assertThat(stalled.get(10, TimeUnit.SECONDS)).isEqualTo("woke");

        assertThat(lateWrite.get()).isInstanceOf(DataAccessException.class).hasMessageContaining("leadership lost");
        SparkApp stored = apps.find(app.id()).orElseThrow();
        assertThat(stored.state()).isEqualTo(AppState.FAILED);
        assertThat(stored.stateReason()).isEqualTo("the new leader's call");
    }

    @Test
    void aLiveLeaderRenewsAndKeepsItsRole() throws Exception {
        LeaderLock live = new LeaderLock(dataSource, clock, LEASE, Duration.ofMillis(20));
        LeaderLock standby = new LeaderLock(dataSource, clock, LEASE, Duration.ofSeconds(5));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> live.runIfLeader("cleaner", () -> {
            inside.countDown();
            await(done); // a long run: the renewing thread goes on
            return "live";
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        for (int i = 0; i < 5; i++) {
            clock.advance(LEASE.minusSeconds(1));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> expiresAfter("cleaner"));
            assertThat(standby.runIfLeader("cleaner", () -> "standby")).isNull();
        }
        done.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("live");
    }

    private boolean expiresAfter(String name) {
        return JdbcClient.create(dataSource)
                .sql("select expires_at > :now from leader_leases where name = :name")
                .param("now", java.sql.Timestamp.from(clock.instant().plus(LEASE.minusSeconds(2))))
                .param("name", name)
                .query(Boolean.class)
                .single();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
