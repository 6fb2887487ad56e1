package io.platyspark.core.submit;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs the {@link SubmissionWorker} on its own threads: on a fixed delay, and at once when a new app is stored
 * ({@link #nudge()}), so a submission does not wait for the next poll.
 */
public class SubmissionRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SubmissionRunner.class);

    private final java.util.function.IntSupplier worker;
    private final Runnable renewLeases;
    private final SubmissionProperties properties;
    private final AtomicInteger queuedNudges = new AtomicInteger();
    private volatile ScheduledExecutorService executor;
    private volatile ScheduledExecutorService renewer;

    /** @param worker one round of work (provisioning, then submission), returning how many items it took */
    public SubmissionRunner(java.util.function.IntSupplier worker, SubmissionProperties properties) {
        this(worker, () -> { }, properties);
    }

    /**
     * @param renewLeases extends the leases of the apps the worker holds; run on a thread of its own every
     *                    {@link SubmissionProperties#leaseRenewInterval()}, so a slow submission never loses its app
     */
    public SubmissionRunner(java.util.function.IntSupplier worker, Runnable renewLeases,
            SubmissionProperties properties) {
        this.worker = worker;
        this.renewLeases = renewLeases;
        this.properties = properties;
    }

    @Override
    public void start() {
        AtomicInteger threadNumber = new AtomicInteger();
        executor = Executors.newScheduledThreadPool(properties.threads(), r -> {
            Thread t = new Thread(r, "platy-submit-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long delay = properties.pollInterval().toMillis();
        for (int i = 0; i < properties.threads(); i++) {
            executor.scheduleWithFixedDelay(this::drain, delay, delay, TimeUnit.MILLISECONDS);
        }
        // A thread of its own: renewal must never queue behind rounds busy with slow submissions.
        renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "platy-submit-renew");
            t.setDaemon(true);
            return t;
        });
        long renew = properties.leaseRenewInterval().toMillis();
        renewer.scheduleWithFixedDelay(this::renew, renew, renew, TimeUnit.MILLISECONDS);
        log.info("submission worker started with {} threads", properties.threads());
    }

    /** Asks for a round now; coalesced so a burst of new apps does not queue a burst of rounds. */
    public void nudge() {
        ScheduledExecutorService current = executor;
        if (current == null || current.isShutdown()) {
            return;
        }
        if (queuedNudges.incrementAndGet() <= properties.threads()) {
            current.execute(() -> {
                queuedNudges.decrementAndGet();
                drain();
            });
        } else {
            queuedNudges.decrementAndGet();
        }
    }

    private void drain() {
        try {
            while (worker.getAsInt() > 0) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        } catch (RuntimeException e) {
            log.warn("submission round failed: {}", e.toString());
        }
    }

    private void renew() {
        try {
            renewLeases.run();
        } catch (RuntimeException e) {
            log.warn("could not renew the submission leases: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService renewing = renewer;
        ScheduledExecutorService current = executor;
        if (current != null) {
            current.shutdown();
            try {
                current.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        executor = null;
        // Renewed until the rounds in progress are over, so their apps are not taken over meanwhile.
        if (renewing != null) {
            renewing.shutdownNow();
        }
        renewer = null;
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
