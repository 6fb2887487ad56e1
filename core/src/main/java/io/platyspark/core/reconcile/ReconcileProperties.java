package io.platyspark.core.reconcile;

import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The reconcilers that keep recorded state true.
 *
 * @param enabled           run them in this process (the watchdog does; spark-server in the embedded mode)
 * @param interval          the pause between two cycles
 * @param lostAfter         an app its backend has not known continuously for this long becomes {@code LOST}
 *                          (an unreachable backend never counts: only answers that lack the app do)
 * @param pendingTimeout    an app not on its backend this long after it was accepted fails with the last reason
 *                          it waited for (no cluster, no environment, submission kept failing)
 * @param submittedTimeout  an app its backend accepted but did not start for this long is stopped and fails
 *                          (Livy keeps batches it rejected during start-up in {@code starting} for ever)
 * @param recreateSharedClusters re-create a platform-made shared cluster, from its own config, when it dies
 * @param clusterInterval   the pause between two cluster cycles, paced apart from the app cycles: reading
 *                          clusters costs provider API calls (EMR allows about one ListClusters a second)
 */
@Validated
@ConfigurationProperties("platy.reconcile")
public record ReconcileProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("5s") @DurationMin(millis = 1) Duration interval,
        @DefaultValue("10m") @DurationMin(millis = 1) Duration lostAfter,
        @DefaultValue("6h") @DurationMin(millis = 1) Duration pendingTimeout,
        @DefaultValue("1h") @DurationMin(millis = 1) Duration submittedTimeout,
        @DefaultValue("true") boolean recreateSharedClusters,
        @DefaultValue("30s") @DurationMin(millis = 0) Duration clusterInterval) {

    /**
     * The defaults, for code that builds reconcilers by hand. A factory, not a second constructor: with two
     * constructors Spring binds none of the {@code platy.reconcile.*} properties.
     */
    public static ReconcileProperties defaults() {
        return new ReconcileProperties(
                false,
                Duration.ofSeconds(5),
                Duration.ofMinutes(10),
                Duration.ofHours(6),
                Duration.ofHours(1),
                true,
                Duration.ofSeconds(30));
    }
}
