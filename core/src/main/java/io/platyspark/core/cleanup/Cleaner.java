package io.platyspark.core.cleanup;

import io.platyspark.core.schedule.LeaderLock;
import java.util.List;

/** One cleaner run (retention purge, then idle clusters), in the one process holding the {@code platy-cleaner} lock. */
public class Cleaner {

    private final LeaderLock lock;
    private final RetentionCleaner retention;
    private final IdleClusterTerminator idle;

    public Cleaner(LeaderLock lock, RetentionCleaner retention, IdleClusterTerminator idle) {
        this.lock = lock;
        this.retention = retention;
        this.idle = idle;
    }

    /** Returns what the run did, or null when another process holds the lock. */
    public Run runOnce() {
        return lock.runIfLeader("platy-cleaner", () -> new Run(retention.runOnce(), idle.runOnce()));
    }

    /** What a run purged and which idle clusters it terminated (or would, in dry-run). */
    public record Run(RetentionCleaner.Result purged, List<IdleClusterTerminator.Idle> idleClusters) {
    }
}
