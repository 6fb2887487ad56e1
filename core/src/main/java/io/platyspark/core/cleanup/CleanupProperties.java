package io.platyspark.core.cleanup;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Retention clean-up of the store.
 *
 * @param enabled          run it in this process (the cleaner does)
 * @param interval         pause between runs
 * @param appRetention     finished apps (and their events) older than this are deleted
 * @param clusterRetention terminated clusters older than this are deleted
 * @param batchSize        rows per delete statement, so no statement holds locks (or a submit that meets it) for
 *                         long: a batch of 25 apps with their events takes about 0.6 ms of the database, and a
 *                         submit that meets one waits that long at most (on the bench's 2 cores the submits' p99
 *                         while a purge ran was 1.15× their p99 without it in batches of 25, 1.6× in batches of 250)
 * @param maxBatchesPerRun a bound on one run's work (at the defaults, a million rows); the rest waits for the next
 *                         run
 * @param pauseRatio       after each batch the purge pauses this many times as long as the batch took, so a long
 *                         purge takes at most 1 / (1 + ratio) of one database core and leaves the rest to submits
 *                         and tracking: at 0.3, 1M finished apps in about 50 s on the bench's 2 cores; 0 purges flat
 *                         out
 * @param dryRun           count what would be deleted (and list the idle clusters that would be terminated),
 *                         change nothing
 * @param idleClusterTimeout a dedicated or dev cluster with no apps for this long is terminated, unless its config
 *                         sets an idle timeout of its own
 */
@Validated
@ConfigurationProperties("platy.cleanup")
public record CleanupProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("10m") @DurationMin(millis = 1) Duration interval,
        @DefaultValue("30d") @DurationMin(millis = 0) Duration appRetention,
        @DefaultValue("30d") @DurationMin(millis = 0) Duration clusterRetention,
        @DefaultValue("25") @Min(1) int batchSize,
        @DefaultValue("40000") @Min(1) int maxBatchesPerRun,

        @DefaultValue("0.3") @DecimalMin("0") @DecimalMax("100")
        double pauseRatio,

        @DefaultValue("false") boolean dryRun,
        @DefaultValue("1h") @DurationMin(millis = 1) Duration idleClusterTimeout) {}
