package io.platyspark.backend.aws.eks;

import io.platyspark.backend.aws.awsjobs.JobRunPolicy;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * EMR on EKS: virtual clusters as clusters of kind {@code EKS}, apps as job runs. Region, endpoint and credentials
 * are {@code platy.aws}'s.
 *
 * @param enabled              run apps on EMR on EKS virtual clusters
 * @param eksCluster           the EKS cluster the platform makes virtual clusters in when a config names none
 * @param namespacePrefix      a platform-made virtual cluster's namespace, when its config names none, is this
 *                             prefix and the cluster's name
 * @param releaseLabel         the EMR release of job runs when a cluster's config names none
 * @param allowedReleaseLabels the releases a config may name (empty: only {@code releaseLabel})
 * @param executionRoles       per team, the IAM roles its job runs may run as (the first is its default)
 * @param defaultExecutionRole the role of teams not listed (unset: such teams are refused)
 * @param logUri               where job runs write their logs ({@code s3://bucket/prefix})
 * @param logBuckets           other buckets a cluster's config may send its logs to
 */
@Validated
@ConfigurationProperties("platy.eks")
public record EksProperties(
        @DefaultValue("false") boolean enabled,
        String eksCluster,
        @DefaultValue("spark-") String namespacePrefix,
        @DefaultValue("emr-7.5.0-latest") String releaseLabel,
        @DefaultValue({}) List<String> allowedReleaseLabels,
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
