package io.platyspark.aws;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.emr.EmrClient;
import software.amazon.awssdk.services.emrcontainers.EmrContainersClient;
import software.amazon.awssdk.services.emrserverless.EmrServerlessClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
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

    public EmrServerlessClient emrServerless() {
        var builder = EmrServerlessClient.builder().overrideConfiguration(overrides());
        if (region != null) {
            builder.region(region);
        }
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /**
     * The S3 client for uploads: the SDK's multipart client, which sends objects above {@code threshold} in parts
     * of {@code partSize} straight from the file and aborts a failed upload.
     */
    public S3AsyncClient s3Uploads(long threshold, long partSize) {
        var builder = S3AsyncClient.builder()
                .overrideConfiguration(overrides())
                .multipartEnabled(true)
                .multipartConfiguration(m -> m.thresholdInBytes(threshold).minimumPartSizeInBytes(partSize));
        if (region != null) {
            builder.region(region);
        }
        if (endpoint != null) {
            builder.endpointOverride(endpoint)
                    .forcePathStyle(true)
                    .overrideConfiguration(overrides().toBuilder()
                            .addExecutionInterceptor(WITHOUT_EXPECT_CONTINUE)
                            .build());
        }
        return builder.build();
    }

    /**
     * Stand-ins such as moto answer {@code Expect: 100-continue} with an interim response that the SDK's async
     * (Netty) client takes for the answer; against them uploads go without the header (real S3 keeps it).
     */
    public static final ExecutionInterceptor WITHOUT_EXPECT_CONTINUE = new ExecutionInterceptor() {
        @Override
        public SdkHttpRequest modifyHttpRequest(
                Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
            return context.httpRequest().toBuilder().removeHeader("Expect").build();
        }
    };

    /** {@link #s3Uploads(long, long)} with parts of 8 MiB above 16 MiB. */
    public S3AsyncClient s3Uploads() {
        return s3Uploads(16L << 20, 8L << 20);
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
