package io.platyspark.core.schedule;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs one background task (a reconcile cycle, a clean-up run) on a thread of its own, with a fixed pause between
 * runs. A failed run is logged and the next one goes ahead; stopping waits for the run in progress.
 */
public class FixedDelayRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FixedDelayRunner.class);

    private final String name;
    private final Duration interval;
    private final Runnable task;
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
