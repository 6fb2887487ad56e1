package io.platyspark.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
    void withANudgeSpacingTheNudgesOfAWindowAreServedByOneRunThatWaitsForIt() {
        java.util.List<Long> starts = new java.util.concurrent.CopyOnWriteArrayList<>();
        FixedDelayRunner runner = new FixedDelayRunner(
                "test",
                Duration.ofHours(1),
                2,
                Duration.ofMillis(300),
                () -> starts.add(System.nanoTime()),
                new SimpleMeterRegistry());
        runner.start();
        try {
            runner.nudge(); // nothing ran lately: at once
            await().atMost(Duration.ofSeconds(10)).until(() -> starts.size() == 1);
            for (int i = 0; i < 20; i++) {
                runner.nudge(); // one waits for the window's end; the rest add nothing
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> starts.size() == 2);
        } finally {
            runner.stop(); // waits for a run still scheduled, if a nudge had slipped through
        }
        assertThat(starts).hasSize(2);
        assertThat(Duration.ofNanos(starts.get(1) - starts.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aStopWaitsForTheRunInProgressThenInterruptsItAfterTheGrace() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        FixedDelayRunner runner = new FixedDelayRunner("test", Duration.ofHours(1), () -> {
                    running.countDown();
                    try {
                        never.await();
                    } catch (InterruptedException e) {
                        interrupted.set(true);
                    }
                })
                .stopGrace(Duration.ofMillis(200));
        runner.start();
        runner.nudge();
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        long start = System.nanoTime();
        runner.stop();

        assertThat(interrupted)
                .as("the run saw the interrupt before stop returned")
                .isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(runner.isRunning()).isFalse();
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

    @Test
    void aFailingRunIsCountedAndTheLoopGoesOn() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AtomicInteger runs = new AtomicInteger();
        FixedDelayRunner runner = new FixedDelayRunner(
                "flaky",
                Duration.ofMillis(20),
                1,
                () -> {
                    int run = runs.incrementAndGet();
                    if (run == 1) {
                        throw new IllegalStateException("the store went away");
                    }
                    if (run == 2) {
                        throw new AssertionError("not even an exception"); // an Error must not end the schedule either
                    }
                },
                meters);
        runner.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 4);
        } finally {
            runner.stop();
        }
        assertThat(meters.counter("platy.runner.failures", "runner", "flaky").count())
                .isEqualTo(2.0);
    }

    @Test
    void severalLoopsRunSideBySide() {
        CountDownLatch bothIn = new CountDownLatch(2);
        AtomicInteger mostAtOnce = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        FixedDelayRunner runner = new FixedDelayRunner(
                "pair",
                Duration.ofHours(1),
                2,
                () -> {
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    bothIn.countDown();
                    try {
                        bothIn.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                },
                new SimpleMeterRegistry());
        runner.start();
        try {
            runner.nudge();
            runner.nudge();
            await().atMost(Duration.ofSeconds(10)).until(() -> bothIn.getCount() == 0);
        } finally {
            runner.stop();
        }
        assertThat(mostAtOnce.get()).isEqualTo(2);
    }
}
