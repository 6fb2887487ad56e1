package io.platyspark.core.schedule;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The one way the platform runs background work (a reconcile cycle, a clean-up run, the submission worker's
 * rounds, lease renewal): {@code loops} threads of its own, each running the task with a fixed pause between runs,
 * and at once when {@link #nudge() nudged} (or, with a nudge spacing, no sooner than that after the last run began).
 * Whatever a run throws is caught, logged with its stack trace and
 * counted ({@code platy.runner.failures}, tagged with the runner's name), and the next run goes ahead: a background
 * loop never dies of one bad run. Stopping waits for the runs in progress, up to a grace (30 s), then interrupts
 * them: a run that waits interruptibly (the cleaner's pauses between batches) ends there.
 */
public class FixedDelayRunner implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(FixedDelayRunner.class);

    private final String name;
    private final Duration interval;
    private final int loops;
    private final Runnable task;
    private final MeterRegistry meters;
    private final long nudgeSpacingNanos;
    private final AtomicInteger queuedNudges = new AtomicInteger();
    private volatile ScheduledExecutorService executor;
    private volatile long lastStart = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private volatile Duration stopGrace = Duration.ofSeconds(30);

    /** One loop; failures are counted in the global registry. */
    public FixedDelayRunner(String name, Duration interval, Runnable task) {
        this(name, interval, 1, task, Metrics.globalRegistry);
    }

    /**
     * @param loops how many threads run the task side by side (each on its own fixed delay), and how many nudges
     *              may wait at once
     */
    public FixedDelayRunner(String name, Duration interval, int loops, Runnable task, MeterRegistry meters) {
        this(name, interval, loops, Duration.ZERO, task, meters);
    }

    /**
     * @param nudgeSpacing a nudged run starts no sooner than this after the last run began, and one nudge waits at
     *                     most: the nudges of that window are served by one run (a batch of work costs about what
     *                     one item does); zero runs at every nudge
     */
    public FixedDelayRunner(
            String name, Duration interval, int loops, Duration nudgeSpacing, Runnable task, MeterRegistry meters) {
        if (loops < 1) {
            throw new IllegalArgumentException("loops < 1: " + loops);
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.name = name;
        this.interval = interval;
        this.loops = loops;
        if (nudgeSpacing.isNegative()) {
            throw new IllegalArgumentException("nudgeSpacing must not be negative: " + nudgeSpacing);
        }
        this.nudgeSpacingNanos = nudgeSpacing.toNanos();
        this.task = task;
        this.meters = meters;
    }

    @Override
    public void start() {
        AtomicInteger threadNumber = new AtomicInteger();
        executor = Executors.newScheduledThreadPool(loops, r -> {
            Thread t = new Thread(
                    r, loops == 1 ? "platy-" + name : "platy-" + name + "-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long delay = interval.toMillis();
        for (int i = 0; i < loops; i++) {
            executor.scheduleWithFixedDelay(this::runSafely, delay, delay, TimeUnit.MILLISECONDS);
        }
        log.info("{} started, every {}{}", name, interval, loops == 1 ? "" : " on " + loops + " threads");
    }

    /**
     * Runs the task once more as soon as a thread is free, without waiting for the interval. Nudges beyond one per
     * loop that arrive while others wait add nothing, so a burst of nudges is not a burst of runs. With a nudge
     * spacing, the run waits until that long after the last run began, and one nudge waiting is enough. Does
     * nothing when the runner is stopped.
     */
    public void nudge() {
        ScheduledExecutorService current = executor;
        if (current == null || current.isShutdown()) {
            return;
        }
        if (queuedNudges.incrementAndGet() > (nudgeSpacingNanos > 0 ? 1 : loops)) {
            queuedNudges.decrementAndGet();
            return;
        }
        try {
            Runnable nudged = () -> {
                queuedNudges.decrementAndGet();
                runSafely();
            };
            long wait = nudgeSpacingNanos == 0 ? 0 : lastStart + nudgeSpacingNanos - System.nanoTime();
            if (wait > 0) {
                current.schedule(nudged, wait, TimeUnit.NANOSECONDS);
            } else {
                current.execute(nudged);
            }
        } catch (RejectedExecutionException e) {
            queuedNudges.decrementAndGet(); // stopping
        }
    }

    private void runSafely() {
        lastStart = System.nanoTime();
        try {
            task.run();
        } catch (Throwable e) {
            // Errors too: an uncaught throwable would silently end this loop's schedule.
            meters.counter("platy.runner.failures", "runner", name).increment();
            log.error("{} run failed; the next run goes ahead as scheduled", name, e);
            if (e instanceof VirtualMachineError fatal) {
                throw fatal;
            }
        }
    }

    /** How long {@link #stop()} waits for the runs in progress before it interrupts them (30 s). */
    public FixedDelayRunner stopGrace(Duration grace) {
        this.stopGrace = grace;
        return this;
    }

    @Override
    public void stop() {
        ScheduledExecutorService current = executor;
        if (current != null) {
            current.shutdown();
            try {
                if (!current.awaitTermination(stopGrace.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("{} still running {} after the stop; interrupting it", name, stopGrace);
                    current.shutdownNow();
                    current.awaitTermination(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                current.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        executor = null;
    }

    /** Stops at once, interrupting the runs in progress. */
    public void stopNow() {
        ScheduledExecutorService current = executor;
        if (current != null) {
            current.shutdownNow();
        }
        executor = null;
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
