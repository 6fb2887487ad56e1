package io.platyspark.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.testing.TestDatabase;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class LeaderLockTest {

    private final DataSource dataSource = TestDatabase.newMigratedDataSource();

    @Test
    void twoProcessesAtOnceRunTheTaskOnce() throws Exception {
        LeaderLock first = new LeaderLock(dataSource);
        LeaderLock second = new LeaderLock(dataSource);
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
        assertThat(whileHeld).as("skipped while the other holds the lock").isNull();
        assertThat(otherTask).isEqualTo("cleaner ran");
        assertThat(runs).hasValue(1);
        assertThat(second.runIfLeader("watchdog", () -> "second")).as("free again after the run").isEqualTo("second");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
