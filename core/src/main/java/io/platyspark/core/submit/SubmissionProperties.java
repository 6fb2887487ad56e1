package io.platyspark.core.submit;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The submission worker that moves stored apps to their backend.
 *
 * @param enabled              run the worker in this process (spark-server does; watchdog and cleaner do not)
 * @param threads              apps submitted at once by this process
 * @param batchSize            apps claimed per round trip to the store
 * @param pollInterval         how often the queue is checked when nobody nudges it
 * @param lease                how long a claim holds before another worker may take the app over
 * @param maxAttempts          submissions tried before the app fails
 * @param initialBackoff       wait after the first failed attempt (of a submission, or of a cluster's creation at
 *                             its provider); doubles up to {@code maxBackoff}
 * @param clusterPollInterval  how often an app waiting for its cluster looks again
 */
@ConfigurationProperties("platy.submission")
public record SubmissionProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("2") int threads,
        @DefaultValue("10") int batchSize,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("5m") Duration lease,
        @DefaultValue("5") int maxAttempts,
        @DefaultValue("5s") Duration initialBackoff,
        @DefaultValue("5m") Duration maxBackoff,
        @DefaultValue("15s") Duration clusterPollInterval) {
}
