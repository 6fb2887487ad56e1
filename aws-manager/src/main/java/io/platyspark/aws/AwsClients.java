package io.platyspark.aws;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emrcontainers.EmrContainersClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Builds the SDK clients the platform uses: credentials from the SDK's default chain (environment, profiles, IRSA
 * on EKS, instance roles — never from files of ours), the adaptive retry strategy that slows down when EMR's
 * per-operation rate limit (about 0.5–1 call/s refill) throttles, and an endpoint override for moto in tests and
 * local try-outs. Without a region the SDK's default region chain decides ({@code aws.region}, {@code AWS_REGION},
 * the profile's region, the instance's). Calls that create without an idempotency token opt out of the retries
 * per request ({@link SingleAttempt}).
 */
public final class AwsClients {

    private final Region region;
    private final URI endpoint;
    private final Duration apiCallTimeout;

    /** @param region the region, or null (or blank) for the SDK's default region chain */
    public AwsClients(String region, URI endpoint, Duration apiCallTimeout) {
        this.region = region == null || region.isBlank() ? null : Region.of(region);
        this.endpoint = endpoint;
        this.apiCallTimeout = apiCallTimeout;
    }

    private ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.adaptiveRetryStrategy())
                .apiCallTimeout(apiCallTimeout)
                .build();
    }

    public EmrClient emr() {
        var builder = EmrClient.builder().overrideConfiguration(overrides());
        if (region != null) {
            builder.region(region);
        }
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    public EmrContainersClient emrContainers() {
        var builder = EmrContainersClient.builder().overrideConfiguration(overrides());
        if (region != null) {
            builder.region(region);
        }
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    public S3Client s3() {
        var builder = S3Client.builder().overrideConfiguration(overrides());
        if (region != null) {
            builder.region(region);
        }
        if (endpoint != null) {
            // moto and other stand-ins serve buckets on the path, not as virtual hosts
            builder.endpointOverride(endpoint).forcePathStyle(true);
        }
        return builder.build();
    }
}
