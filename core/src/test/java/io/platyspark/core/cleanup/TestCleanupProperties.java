package io.platyspark.core.cleanup;

import java.time.Duration;

/** The cleaner tests' settings: apps kept 7 days, clusters 3, idle clusters stopped after an hour. */
final class TestCleanupProperties {

    private TestCleanupProperties() {}

    static CleanupProperties of(int batchSize, int maxBatchesPerRun, double pauseRatio, boolean dryRun) {
        return new CleanupProperties(
                true,
                Duration.ofMinutes(10),
                Duration.ofDays(7),
                Duration.ofDays(3),
                batchSize,
                maxBatchesPerRun,
                pauseRatio,
                dryRun,
                Duration.ofHours(1));
    }
}
