package io.platyspark.core.submit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.platyspark.core.schedule.FixedDelayRunner;
import java.util.function.IntSupplier;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link SubmissionWorker} on {@link FixedDelayRunner}s: {@code threads} loops of rounds on a fixed delay,
 * soon after a new app is stored ({@link #nudge()}: within the batch window), so a submission does not wait for the
 * next poll and the apps of a busy moment are claimed together; and lease
 * renewal on a runner of its own, so it never queues behind rounds busy with slow submissions.
 */
public class SubmissionRunner implements SmartLifecycle {

    private final FixedDelayRunner rounds;
    private final FixedDelayRunner renewal;

    /** @param worker one round of work (provisioning, then submission), returning how many items it took */
    public SubmissionRunner(IntSupplier worker, SubmissionProperties properties) {
        this(worker, () -> {}, properties, Metrics.globalRegistry);
    }

    /**
     * @param renewLeases extends the leases of the apps the worker holds; run every
     *                    {@link SubmissionProperties#leaseRenewInterval()}, so a slow submission never loses its app
     */
    public SubmissionRunner(
            IntSupplier worker, Runnable renewLeases, SubmissionProperties properties, MeterRegistry meters) {
        this.rounds = new FixedDelayRunner(
                "submit",
                properties.pollInterval(),
                properties.threads(),
                properties.batchWindow(),
                () -> drain(worker, properties.batchSize()),
                meters);
        this.renewal = new FixedDelayRunner("submit-renew", properties.leaseRenewInterval(), 1, renewLeases, meters);
    }

    /**
     * Rounds while each takes a full batch. A round that took less found every due app there was: one more round
     * would only find nothing (a claim transaction for nothing, on every accepted app when they come one by one).
     * An app stored meanwhile nudges a round of its own, which waits for a free thread if none is.
     */
    static void drain(IntSupplier worker, int batchSize) {
        while (worker.getAsInt() >= batchSize) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    @Override
    public void start() {
        rounds.start();
        renewal.start();
    }

    /** Asks for a round now; coalesced so a burst of new apps does not queue a burst of rounds. */
    public void nudge() {
        rounds.nudge();
    }

    @Override
    public void stop() {
        rounds.stop();
        // Renewed until the rounds in progress are over, so their apps are not taken over meanwhile.
        renewal.stopNow();
    }

    @Override
    public boolean isRunning() {
        return rounds.isRunning();
    }
}
