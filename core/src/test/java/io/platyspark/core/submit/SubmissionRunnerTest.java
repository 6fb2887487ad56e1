package io.platyspark.core.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SubmissionRunnerTest {

    @Test
    void aRoundGoesOnWhileRoundsFillABatchAndStopsAfterOneThatDoesNot() {
        java.util.Deque<Integer> takes = new java.util.ArrayDeque<>(java.util.List.of(10, 10, 3, 10));
        AtomicInteger rounds = new AtomicInteger();

        SubmissionRunner.drain(
                () -> {
                    rounds.incrementAndGet();
                    return takes.poll();
                },
                10);

        assertThat(rounds.get())
                .as("two full batches, then one of 3: nothing more was due")
                .isEqualTo(3);
        assertThat(takes).containsExactly(10);
    }

    @Test
    void anAppStoredDuringARoundIsTakenByTheRoundItsNudgeQueues() throws InterruptedException {
        SubmissionProperties properties = properties(1, Duration.ofHours(1)); // no poll: only nudges start rounds
        AtomicInteger due = new AtomicInteger(1);
        AtomicInteger taken = new AtomicInteger();
        CountDownLatch inFirstRound = new CountDownLatch(1);
        CountDownLatch storedMeanwhile = new CountDownLatch(1);
        SubmissionRunner[] runner = new SubmissionRunner[1];
        runner[0] = new SubmissionRunner(
                () -> {
                    int took = due.getAndSet(0);
                    taken.addAndGet(took);
                    if (inFirstRound.getCount() > 0) {
                        inFirstRound.countDown();
                        try {
                            storedMeanwhile.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    return took; // fewer than a batch: the drain stops after this round
                },
                () -> {},
                properties,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        runner[0].start();
        try {
            runner[0].nudge();
            assertThat(inFirstRound.await(10, TimeUnit.SECONDS)).isTrue();
            // A submit stores its app after the round's claim, and nudges.
            due.incrementAndGet();
            runner[0].nudge();
            storedMeanwhile.countDown();

            await().atMost(Duration.ofSeconds(10)).until(() -> taken.get() == 2);
        } finally {
            runner[0].stop();
        }
    }

    @Test
    void leasesAreRenewedWhileEveryWorkerThreadIsBusyWithASlowSubmission() {
        SubmissionProperties properties = properties(2, Duration.ofMillis(10));
        CountDownLatch slow = new CountDownLatch(1);
        AtomicInteger busy = new AtomicInteger();
        AtomicInteger renewals = new AtomicInteger();
        SubmissionRunner runner = new SubmissionRunner(
                () -> {
                    busy.incrementAndGet();
                    try {
                        slow.await(30, TimeUnit.SECONDS); // a submission that takes its time
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return 0;
                },
                renewals::incrementAndGet,
                properties,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        runner.start();
        try {
            runner.nudge();
            runner.nudge();
            await().atMost(Duration.ofSeconds(10)).until(() -> busy.get() >= 2);
            int before = renewals.get();

            await().atMost(Duration.ofSeconds(10)).until(() -> renewals.get() >= before + 2);
            assertThat(busy.get()).as("every worker thread still busy").isGreaterThanOrEqualTo(2);
        } finally {
            slow.countDown();
            runner.stop();
        }
    }

    /** Batches of 10 and a 3 s lease, on {@code threads} loops that poll every {@code poll}. */
    private static SubmissionProperties properties(int threads, Duration poll) {
        return new SubmissionProperties(
                true,
                threads,
                10,
                poll,
                Duration.ofSeconds(3),
                5,
                Duration.ofSeconds(5),
                Duration.ofMinutes(1),
                Duration.ofSeconds(15));
    }
}
