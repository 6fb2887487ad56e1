package io.platyspark.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SpacedTaskTest {

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final AtomicInteger runs = new AtomicInteger();
    private final SpacedTask task =
            new SpacedTask(Duration.ofMillis(100), () -> runs.incrementAndGet() * 10, nanos::get);

    @Test
    void theFirstCallRunsAndCallsWithinTheSpacingDoNot() {
        assertThat(task.getAsInt()).isEqualTo(10);
        nanos.addAndGet(Duration.ofMillis(99).toNanos());
        assertThat(task.getAsInt()).isZero();

        nanos.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(task.getAsInt()).isEqualTo(20);
        assertThat(task.getAsInt()).isZero();
        assertThat(runs).hasValue(2);
    }

    @Test
    void theSpacingCountsFromTheLastRunsStartNotFromTheCallsBetween() {
        task.getAsInt();
        for (int i = 0; i < 9; i++) {
            nanos.addAndGet(Duration.ofMillis(10).toNanos());
            task.getAsInt();
        }
        assertThat(runs).hasValue(1);

        nanos.addAndGet(Duration.ofMillis(10).toNanos());
        task.getAsInt();
        assertThat(runs).hasValue(2);
    }

    @Test
    void aTaskMadeDueRunsAtTheNextCallHoweverRecentlyItRan() {
        task.getAsInt();
        nanos.addAndGet(Duration.ofMillis(10).toNanos());
        task.due();

        assertThat(task.getAsInt()).isEqualTo(20);
        assertThat(task.getAsInt()).isZero();
        assertThat(runs).hasValue(2);
    }

    @Test
    void aZeroSpacingRunsAtEveryCall() {
        SpacedTask always = new SpacedTask(Duration.ZERO, runs::incrementAndGet, nanos::get);
        always.getAsInt();
        always.getAsInt();
        assertThat(runs).hasValue(2);
    }

    @Test
    void ofCallsAtOneMomentFromManyThreadsOneRuns() throws Exception {
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            new Thread(() -> {
                        try {
                            start.await();
                            task.getAsInt();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            done.countDown();
                        }
                    })
                    .start();
        }
        start.countDown();
        done.await();

        assertThat(runs).hasValue(1);
    }
}
