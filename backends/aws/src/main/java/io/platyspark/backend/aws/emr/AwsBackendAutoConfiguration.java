package io.platyspark.backend.aws.emr;

import io.platyspark.aws.AwsClients;
import io.platyspark.aws.emr.EmrClusters;
import io.platyspark.aws.emr.InstancePolicy;
import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.aws.s3.S3ArtifactStore;
import io.platyspark.core.artifact.ArtifactStore;
import io.platyspark.core.config.PlatyCoreAutoConfiguration;
import io.platyspark.core.quota.JdbcTeamQuotas;
import io.platyspark.core.security.SecurityProperties;
import io.platyspark.core.submit.LivyRetention;
import io.platyspark.core.submit.SubmissionProperties;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * EMR clusters from ClusterConfigs, and artifacts in S3 when a bucket is configured (clusters read sources from
 * there; without one, core keeps them in a local directory). On with {@code platy.aws.enabled=true}.
 */
@AutoConfiguration(
        before = PlatyCoreAutoConfiguration.class,
        after = io.platyspark.backend.aws.awsjobs.AwsClientsAutoConfiguration.class)
@ConditionalOnProperty(name = "platy.aws.enabled", havingValue = "true")
@EnableConfigurationProperties(AwsProperties.class)
public class AwsBackendAutoConfiguration {

    @Bean
    EmrClusters emrClusters(AwsClients clients) {
        return new EmrClusters(clients.emr());
    }

    @Bean
    PlatformDefaults platformDefaults(AwsProperties p, SecurityProperties security, SubmissionProperties submission) {
        PlatformDefaults base = PlatformDefaults.emr7(p.subnetIds(), p.logUri());
        // Bootstrap scripts run as root on every node: only from the artifact bucket (the platform's own
        // scripts) and the buckets sources may come from.
        List<String> bootstrapBuckets = new ArrayList<>(security.allowedBuckets());
        if (p.artifactBucket() != null) {
            bootstrapBuckets.add(p.artifactBucket());
        }
        PlatformDefaults defaults = new PlatformDefaults(
                p.releaseLabel(),
                p.applications(),
                p.subnetIds(),
                p.masterSecurityGroup(),
                p.slaveSecurityGroup(),
                p.serviceAccessSecurityGroup(),
                p.serviceRole(),
                p.jobFlowRole(),
                p.logUri(),
                null,
                base.configurations(),
                base.tags(),
                base.gravitonInstanceTypes(),
                base.x86InstanceTypes(),
                new InstancePolicy(
                        p.allowedInstanceTypes(), p.maxCoreCapacity(), p.maxTaskCapacity(), p.maxVolumeSizeGb(), 8),
                bootstrapBuckets);
        if (submission.enabled()) {
            // Every cluster the platform creates runs Livy with these settings: refused rather than warned, since
            // the failure is a Spark job run twice, silently, long after start-up.
            LivyRetention.emrProblem(defaults.configurations(), submission).ifPresent(problem -> {
                throw new IllegalStateException(
                        "Livy's retention is too short for exactly-once submission: " + problem);
            });
        }
        return defaults;
    }

    @Bean
    EmrClusterBackend emrClusterBackend(
            EmrClusters emr, PlatformDefaults defaults, EmrPythonProperties python, ArtifactStore artifacts) {
        return new EmrClusterBackend(emr, defaults, python, artifacts);
    }

    @Bean
    EmrClusterConfigs emrClusterConfigs(
            PlatformDefaults defaults,
            SubmissionProperties submission,
            ObjectProvider<JdbcTeamQuotas> quotas,
            SecurityProperties security) {
        // The shared cluster's YARN queues get each team's weight and maximum share from the quota table.
        JdbcTeamQuotas teams = quotas.getIfAvailable();
        return teams == null
                ? new EmrClusterConfigs(defaults, submission)
                : new EmrClusterConfigs(
                        defaults,
                        submission,
                        config -> YarnQueueLimits.apply(
                                config,
                                teams.customized(),
                                teams.defaults().maxQueuePercent(),
                                security.yarnQueuePrefix()));
    }

    @Bean
    @ConditionalOnProperty(name = "platy.aws.artifact-bucket")
    S3ArtifactStore s3ArtifactStore(AwsClients clients, AwsProperties properties) {
        return new S3ArtifactStore(
                clients.s3(), clients.s3Uploads(), properties.artifactBucket(), properties.artifactPrefix());
    }

    @Bean
    @ConditionalOnProperty(name = "platy.aws.artifact-bucket")
    ArtifactStore artifactStore(S3ArtifactStore bucket) {
        return new S3Artifacts(bucket);
    }
}
