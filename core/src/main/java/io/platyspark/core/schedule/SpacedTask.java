package io.platyspark.core.schedule;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Runs a task at most once per spacing, however often it is asked to: a call within the spacing of the last run's
 * start answers 0 without running it. Safe from several threads: of calls at the same moment, one runs the task.
 */
public final class SpacedTask implements IntSupplier {

    private final IntSupplier task;
    private final long spacingNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong lastStart;

    public SpacedTask(Duration spacing, IntSupplier task) {
        this(spacing, task, System::nanoTime);
    }

    SpacedTask(Duration spacing, IntSupplier task, LongSupplier nanoTime) {
        if (spacing.isNegative()) {
            throw new IllegalArgumentException("spacing must not be negative: " + spacing);
        }
        this.task = task;
        this.spacingNanos = spacing.toNanos();
        this.nanoTime = nanoTime;
        this.lastStart = new AtomicLong(nanoTime.getAsLong() - spacingNanos); // the first call runs
    }

    /** Makes the next call run the task, however recently it last ran: something it is to see has happened. */
    public void due() {
        lastStart.set(nanoTime.getAsLong() - spacingNanos);
    }

    /** Runs the task and answers what it does, unless it last started less than the spacing ago (then 0). */
    @Override
    public int getAsInt() {
        long now = nanoTime.getAsLong();
        long last = lastStart.get();
        if (now - last < spacingNanos || !lastStart.compareAndSet(last, now)) {
            return 0; // not due, or another thread took this turn
        }
        return task.getAsInt();
    }
}
