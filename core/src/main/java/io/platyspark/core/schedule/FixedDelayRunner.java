package io.platyspark.core.schedule;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs one background task (a reconcile cycle, a clean-up run) on a thread of its own, with a fixed pause between
 * runs, and at once when {@link #nudge() nudged}. A failed run is logged and the next one goes ahead; stopping waits
 * for the run in progress.
 */
public class FixedDelayRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FixedDelayRunner.class);

    private final String name;
    private final Duration interval;
    private final Runnable task;
    private final AtomicBoolean nudged = new AtomicBoolean();
    private volatile ScheduledExecutorService executor;

    public FixedDelayRunner(String name, Duration interval, Runnable task) {
        this.name = name;
        this.interval = interval;
        this.task = task;
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "platy-" + name);
            t.setDaemon(true);
            return t;
        });
        long delay = interval.toMillis();
        executor.scheduleWithFixedDelay(this::runSafely, delay, delay, TimeUnit.MILLISECONDS);
        log.info("{} started, every {}", name, interval);
    }

    /**
     * Runs the task once more as soon as the runner's thread is free, without waiting for the interval. Nudges that
     * arrive while one is pending add nothing; runs never overlap. Does nothing when the runner is stopped.
     */
    public void nudge() {
        ScheduledExecutorService current = executor;
        if (current == null || !nudged.compareAndSet(false, true)) {
            return;
        }
        try {
            current.execute(() -> {
                nudged.set(false);
                runSafely();
            });
        } catch (RejectedExecutionException e) {
            nudged.set(false); // stopping
        }
    }

    private void runSafely() {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.warn("{} run failed: {}", name, e.toString());
        }
    }

    @Override
    public void stop() {
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
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
