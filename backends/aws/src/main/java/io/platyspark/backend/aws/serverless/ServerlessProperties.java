package io.platyspark.backend.aws.serverless;

import io.platyspark.backend.aws.awsjobs.JobRunPolicy;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * EMR Serverless: applications as clusters of kind {@code SERVERLESS}, apps as job runs. Region, endpoint and
 * credentials are {@code platy.aws}'s.
 *
 * @param enabled              run apps on EMR Serverless applications
 * @param releaseLabel         the EMR release of platform-made applications when a config names none
 * @param allowedReleaseLabels the releases a config may name (empty: only {@code releaseLabel})
 * @param architecture         {@code ARM64} or {@code X86_64} when a config names none
 * @param maxCpu               the most vCPUs a config's {@code maximumCapacity.cpu} may ask for
 * @param maxMemoryGb          the most memory, in GB, its {@code maximumCapacity.memory} may ask for
 * @param idleTimeout          AWS stops a platform-made application after this long without jobs (its own
 *                             auto-stop: the platform's cleaner leaves Serverless applications alone)
 * @param executionRoles       per team, the IAM roles its job runs may run as (the first is its default)
 * @param defaultExecutionRole the role of teams not listed (unset: such teams are refused)
 * @param logUri               where job runs write their logs ({@code s3://bucket/prefix})
 * @param logBuckets           other buckets a cluster's config may send its logs to
 */
@Validated
@ConfigurationProperties("platy.serverless")
public record ServerlessProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("emr-7.5.0") String releaseLabel,
        @DefaultValue({}) List<String> allowedReleaseLabels,
        @DefaultValue("ARM64") String architecture,
        @DefaultValue("400") @Min(1) int maxCpu,
        @DefaultValue("3000") @Min(1) int maxMemoryGb,
        @DefaultValue("15m") Duration idleTimeout,
        @DefaultValue({}) Map<String, List<String>> executionRoles,
        String defaultExecutionRole,
        String logUri,
        @DefaultValue({}) List<String> logBuckets) {

    public JobRunPolicy policy() {
        return new JobRunPolicy(
                releaseLabel,
                allowedReleaseLabels,
                executionRoles,
                defaultExecutionRole,
                logUri,
                java.util.Set.copyOf(logBuckets));
    }
}
