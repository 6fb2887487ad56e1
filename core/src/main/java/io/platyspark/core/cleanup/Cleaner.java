package io.platyspark.core.cleanup;

import io.platyspark.core.schedule.LeaderLock;
import java.util.List;

/** One cleaner run (retention purge, then idle clusters), in the one process holding the {@code platy-cleaner} lock. */
public class Cleaner {

    private final LeaderLock lock;
    private final RetentionCleaner retention;
    private final IdleClusterTerminator idle;
    private final EnvBuildCleaner envs;

    public Cleaner(LeaderLock lock, RetentionCleaner retention, IdleClusterTerminator idle) {
        this(lock, retention, idle, null);
    }

    /** With {@code envs} (may be null), each run also purges environment builds no app uses any more. */
    public Cleaner(LeaderLock lock, RetentionCleaner retention, IdleClusterTerminator idle, EnvBuildCleaner envs) {
        this.lock = lock;
        this.retention = retention;
        this.idle = idle;
        this.envs = envs;
    }

    /** Returns what the run did, or null when another process holds the lock. */
    public Run runOnce() {
        return lock.runIfLeader("platy-cleaner", () -> {
            // Apps first: the builds they named become purgeable with them.
            RetentionCleaner.Result purged = retention.runOnce();
            if (Thread.currentThread().isInterrupted()) {
                // Stopping (interrupted during a pause of the purge): the clusters and environments wait for the
                // next run rather than meet an interrupted call to their provider.
                return new Run(purged, List.of(), null);
            }
            List<IdleClusterTerminator.Idle> idleClusters = idle.runOnce();
            return new Run(purged, idleClusters, envs == null ? null : envs.runOnce());
        });
    }

    /**
     * What a run purged and which idle clusters it terminated (or would, in dry-run).
     *
     * @param envs the environment builds and archives purged, null when that purge is not configured or the run was
     *             stopped before it
     */
    public record Run(
            RetentionCleaner.Result purged,
            List<IdleClusterTerminator.Idle> idleClusters,
            EnvBuildCleaner.Result envs) {

        public Run(RetentionCleaner.Result purged, List<IdleClusterTerminator.Idle> idleClusters) {
            this(purged, idleClusters, null);
        }
    }
}
