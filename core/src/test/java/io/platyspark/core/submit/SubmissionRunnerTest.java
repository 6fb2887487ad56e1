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
    void leasesAreRenewedWhileEveryWorkerThreadIsBusyWithASlowSubmission() {
        SubmissionProperties properties = new SubmissionProperties(
                true,
                2,
                10,
                Duration.ofMillis(10),
                Duration.ofSeconds(3),
                5,
                Duration.ofSeconds(5),
                Duration.ofMinutes(1),
                Duration.ofSeconds(15));
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
}
