package io.platyspark.core.submit;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The submission worker that moves stored apps to their backend.
 *
 * @param enabled              run the worker in this process (spark-server does; watchdog and cleaner do not)
 * @param threads              loops claiming batches of apps in this process
 * @param batchSize            apps claimed per round trip to the store, taken round-robin across teams
 * @param concurrency          apps this process handles at once (the claimed batch is handled in parallel); sized
 *                             so the worker drains at least as fast as the API accepts, and below the database
 *                             pool (spring.datasource.hikari.maximum-pool-size, 10) so the API keeps connections.
 *                             Above {@code perClusterConcurrency}, some lanes record while others call the backend
 * @param perClusterConcurrency apps submitted at once to one cluster, below what its backend refuses (Livy's
 *                             {@code livy.server.session.max-creation}, 100 by default; a busy refusal is retried)
 * @param pollInterval         how often the queue is checked when nobody nudges it
 * @param lease                how long a claim holds unless its worker renews it (every third of the lease, while
 *                             the worker lives); a dead worker's apps are taken over after at most this plus one
 *                             {@code pollInterval}
 * @param maxAttempts          failed submissions (errors that are not outages) tried before the app fails; an
 *                             outage of the backend, the artifact store or the app-builder uses up no attempt
 * @param initialBackoff       wait after the first failed attempt or outage retry (of a submission, or of a
 *                             cluster's creation at its provider); doubles up to {@code maxBackoff}
 * @param maxBackoff           the longest wait between two tries, so an app goes on soon after an outage ends
 * @param clusterPollInterval  how often an app waiting for its cluster looks again
 * @param batchWindow          after a round began, how long the next round nudged by a new app waits, so the apps
 *                             accepted meanwhile are claimed together: a claim (five statements) costs about the
 *                             same for one app or a batch. It adds at most this to an app's time to its backend; 0
 *                             claims at every nudge
 */
@Validated
@ConfigurationProperties("platy.submission")
public record SubmissionProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("2") @Min(1) int threads,
        @DefaultValue("64") @Min(1) int batchSize,
        @DefaultValue("8") @Min(1) int concurrency,
        @DefaultValue("8") @Min(1) int perClusterConcurrency,
        @DefaultValue("1s") @DurationMin(millis = 1) Duration pollInterval,
        @DefaultValue("15s") @DurationMin(millis = 300) Duration lease,
        @DefaultValue("5") @Min(1) int maxAttempts,
        @DefaultValue("5s") @DurationMin(millis = 1) Duration initialBackoff,
        @DefaultValue("1m") @DurationMin(millis = 1) Duration maxBackoff,
        @DefaultValue("15s") @DurationMin(millis = 1) Duration clusterPollInterval,
        @DefaultValue("10ms") Duration batchWindow) {

    /** Without a batch window: a round at every nudge. */
    public SubmissionProperties(
            boolean enabled,
            int threads,
            int batchSize,
            int concurrency,
            int perClusterConcurrency,
            Duration pollInterval,
            Duration lease,
            int maxAttempts,
            Duration initialBackoff,
            Duration maxBackoff,
            Duration clusterPollInterval) {
        this(
                enabled,
                threads,
                batchSize,
                concurrency,
                perClusterConcurrency,
                pollInterval,
                lease,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                clusterPollInterval,
                Duration.ZERO);
    }

    /** Without the concurrency settings: one app at a time per loop, as before they existed. */
    public SubmissionProperties(
            boolean enabled,
            int threads,
            int batchSize,
            Duration pollInterval,
            Duration lease,
            int maxAttempts,
            Duration initialBackoff,
            Duration maxBackoff,
            Duration clusterPollInterval) {
        this(
                enabled,
                threads,
                batchSize,
                1,
                1,
                pollInterval,
                lease,
                maxAttempts,
                initialBackoff,
                maxBackoff,
                clusterPollInterval);
    }

    @org.springframework.boot.context.properties.bind.ConstructorBinding
    public SubmissionProperties {
        if (batchWindow.isNegative() || batchWindow.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException(
                    "platy.submission.batch-window must be between 0 and 1s (it delays each app's submission by up "
                            + "to that), got " + batchWindow);
        }
        if (lease.compareTo(Duration.ofSeconds(3)) < 0) {
            throw new IllegalArgumentException(
                    "platy.submission.lease must be at least 3s (it is renewed every " + "third of it), got " + lease);
        }
    }

    /** How often a living worker renews the leases of the apps it holds: a third of the lease. */
    public Duration leaseRenewInterval() {
        return lease.dividedBy(3);
    }

    /**
     * The longest an app claimed by a worker that died stays unresolved before another worker takes it over and
     * looks for its run at the backend: the lease, plus one poll of the queue. Exactly-once submission through a
     * backend that forgets finished runs (Livy's {@code livy.server.session.state-retain.sec}) needs that backend
     * to remember a run for longer than this.
     */
    public Duration claimResolutionBound() {
        return lease.plus(pollInterval);
    }
}
