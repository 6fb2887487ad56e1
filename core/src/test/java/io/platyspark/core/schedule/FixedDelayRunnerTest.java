package io.platyspark.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FixedDelayRunnerTest {

    @Test
    void aNudgeRunsTheTaskWithoutWaitingForTheInterval() {
        AtomicInteger runs = new AtomicInteger();
        FixedDelayRunner runner = new FixedDelayRunner("test", Duration.ofHours(1), runs::incrementAndGet);
        runner.start();
        try {
            runner.nudge();
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 1);
            runner.nudge();
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
        } finally {
            runner.stop();
        }
    }

    @Test
    void nudgesWhileOneIsPendingCoalesceAndRunsNeverOverlap() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        FixedDelayRunner runner = new FixedDelayRunner("test", Duration.ofHours(1), () -> {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            runs.incrementAndGet();
        });
        runner.start();
        try {
            runner.nudge();
            await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == 1);
            for (int i = 0; i < 20; i++) {
                runner.nudge(); // the first is queued behind the run in progress; the rest add nothing
            }
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() == 2);
            runner.stop();
            assertThat(runs.get()).isEqualTo(2);
            assertThat(mostAtOnce.get()).isEqualTo(1);
        } finally {
            runner.stop();
        }
    }

    @Test
    void aStoppedRunnerIgnoresNudges() {
        AtomicInteger runs = new AtomicInteger();
        FixedDelayRunner runner = new FixedDelayRunner("test", Duration.ofHours(1), runs::incrementAndGet);
        runner.nudge();
        runner.start();
        runner.stop();
        runner.nudge();
        assertThat(runs.get()).isZero();
    }
}
