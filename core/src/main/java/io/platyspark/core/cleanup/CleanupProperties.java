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
 *                         long
 * @param maxBatchesPerRun a bound on one run's work (at the defaults, a million rows); the rest waits for the next
 *                         run
 * @param pauseRatio       after each batch the purge pauses this many times as long as the batch took, so a long
 *                         purge takes at most 1 / (1 + ratio) of the database's time and leaves the rest to submits
 *                         and tracking: 1 halves its pace (1M finished apps in about 50 s on the bench's 2 cores), 0
 *                         purges flat out
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
        @DefaultValue("250") @Min(1) int batchSize,
        @DefaultValue("4000") @Min(1) int maxBatchesPerRun,

        @DefaultValue("1") @DecimalMin("0") @DecimalMax("100")
        double pauseRatio,

        @DefaultValue("false") boolean dryRun,
        @DefaultValue("1h") @DurationMin(millis = 1) Duration idleClusterTimeout) {}
