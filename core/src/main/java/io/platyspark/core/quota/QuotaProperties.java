package io.platyspark.core.quota;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Map;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every team's quotas unless an admin gave the team its own ({@code PUT /api/v1/admin/teams/{team}/quota}).
 *
 * @param share                  the team's weight: apps it gets per round of the submission worker's round-robin,
 *                               and its YARN queue's weight on the shared cluster
 * @param maxActiveApps          apps of a team not yet ended; a submit over it is refused with 429
 * @param submitsPerMinute       apps a team may submit in any 60 s; a submit over it is refused with 429
 * @param maxRunning             apps of a team on the backend at once, per cluster kind (SHARED, DEDICATED, DEV,
 *                               LOCAL); an app over it waits QUEUED until one of them ends. A kind left out has
 *                               no limit
 * @param maxClusters            active DEDICATED and DEV clusters the platform created for a team (registered
 *                               ones, an existing Livy by URL, do not count); a request for one more is refused
 *                               with 403
 * @param maxCapacityUnits       the total capacity of a team's active DEDICATED and DEV clusters the platform
 *                               created, in the provider's weighted units (EMR: instance-fleet weighted capacity,
 *                               managed scaling's maximum when it scales; a Spark standalone cluster counts its
 *                               config the same way); a cluster that would take the team over it is refused with 403
 * @param maxQueuePercent        the largest share of the shared cluster a team's YARN queue may take
 * @param activeRetryAfter       the {@code Retry-After} of a submit refused for {@code maxActiveApps}: when a slot
 *                               frees is not known, so this is a polite guess
 * @param admissionWait          how long a team's submit waits on this server for the team's earlier submits to be
 *                               stored (a group at a time per team, so one team's burst cannot hold every database
 *                               connection) before it is refused 429 {@code concurrentSubmits}
 * @param metricsInterval        how often spark-server refreshes the per-team gauges ({@code platy.team.apps})
 */
@Validated
@ConfigurationProperties("platy.quotas")
public record QuotaProperties(
        @DefaultValue("1") @Min(1) @Max(1000) int share,
        @DefaultValue("10000") @Min(0) int maxActiveApps,
        @DefaultValue("60000") @Min(0) int submitsPerMinute,
        @DefaultValue Map<String, Integer> maxRunning,
        @DefaultValue("10") @Min(0) int maxClusters,
        @DefaultValue("500") @Min(0) int maxCapacityUnits,
        @DefaultValue("50") @Min(1) @Max(100) int maxQueuePercent,
        @DefaultValue("10s") @DurationMin(seconds = 1) Duration activeRetryAfter,
        @DefaultValue("10s") @DurationMin(millis = 1) Duration admissionWait,
        @DefaultValue("30s") @DurationMin(seconds = 1) Duration metricsInterval) {

    public QuotaProperties {
        maxRunning = maxRunning == null ? Map.of() : Map.copyOf(maxRunning);
    }
}
