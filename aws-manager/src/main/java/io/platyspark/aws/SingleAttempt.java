package io.platyspark.aws;

import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;

/**
 * A request override that turns the SDK's retries off for one call. Calls that create something without an
 * idempotency token ({@code RunJobFlow}) must not be repeated by the SDK: when an answer is lost, a repeat creates
 * a second resource. The caller retries instead, through its own look-up-then-create.
 */
public final class SingleAttempt {

    private static final SdkPlugin NO_RETRIES = config -> {
        ClientOverrideConfiguration current = config.overrideConfiguration();
        ClientOverrideConfiguration.Builder builder =
                current == null ? ClientOverrideConfiguration.builder() : current.toBuilder();
        config.overrideConfiguration(
                builder.retryStrategy(AwsRetryStrategy.doNotRetry()).build());
    };

    private SingleAttempt() {}

    /** Apply with {@code request.toBuilder().overrideConfiguration(SingleAttempt::apply)}. */
    public static void apply(AwsRequestOverrideConfiguration.Builder override) {
        override.addPlugin(NO_RETRIES);
    }
}
