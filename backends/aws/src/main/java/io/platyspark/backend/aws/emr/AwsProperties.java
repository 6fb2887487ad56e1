package io.platyspark.backend.aws.emr;

import jakarta.validation.constraints.Min;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * AWS for the platform: EMR clusters from ClusterConfigs, artifacts in S3. Credentials come from the SDK's default
 * chain (environment, profile, IRSA on EKS, instance role), never from this configuration.
 *
 * @param enabled              create and watch EMR clusters, keep artifacts in S3
 * @param region               the AWS region; unset, the SDK's default region chain decides ({@code AWS_REGION},
 *                             the profile's region, the instance's)
 * @param endpoint             an endpoint override (moto for a local try-out), unset for real AWS
 * @param artifactBucket       the bucket for uploaded sources and Python environments
 * @param artifactPrefix       the key prefix inside it
 * @param releaseLabel         the EMR release of platform-made clusters
 * @param applications         their applications
 * @param subnetIds            subnets clusters start in
 * @param masterSecurityGroup  EMR-managed master security group
 * @param slaveSecurityGroup   EMR-managed core/task security group
 * @param serviceAccessSecurityGroup service access group (private subnets)
 * @param serviceRole          EMR's service role
 * @param jobFlowRole          the EC2 instance profile of cluster nodes
 * @param logUri               where EMR writes cluster logs
 * @param allowedInstanceTypes instance-type patterns user configs may use ({@code m6g.*})
 * @param maxCoreCapacity      the largest weighted core capacity a user config may ask for
 * @param maxTaskCapacity      the largest weighted task capacity
 * @param maxVolumeSizeGb      the largest EBS volume
 * @param apiCallTimeout       the SDK's timeout for one call including its retries
 */
@Validated
@ConfigurationProperties("platy.aws")
public record AwsProperties(
        @DefaultValue("false") boolean enabled,
        String region,
        URI endpoint,
        String artifactBucket,
        @DefaultValue("platyspark") String artifactPrefix,
        @DefaultValue("emr-7.5.0") String releaseLabel,
        @DefaultValue({"Hadoop", "Spark", "Livy", "Hive"}) List<String> applications,
        @DefaultValue({}) List<String> subnetIds,
        String masterSecurityGroup,
        String slaveSecurityGroup,
        String serviceAccessSecurityGroup,
        @DefaultValue("EMR_DefaultRole") String serviceRole,
        @DefaultValue("EMR_EC2_DefaultRole") String jobFlowRole,
        String logUri,

        @DefaultValue({"m5*.*", "m6*.*", "m7*.*", "r5*.*", "r6*.*", "r7*.*", "c5*.*", "c6*.*", "c7*.*"})
        List<String> allowedInstanceTypes,

        @DefaultValue("200") @Min(1) int maxCoreCapacity,
        @DefaultValue("400") @Min(0) int maxTaskCapacity,
        @DefaultValue("2048") @Min(1) int maxVolumeSizeGb,
        @DefaultValue("60s") @DurationMin(millis = 1) Duration apiCallTimeout) {}
