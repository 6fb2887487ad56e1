package io.platyspark.core.schedule;

import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Leadership of the watchdog and the cleaner (one process at a time runs each).
 *
 * @param lease how long the role holds without renewal; its holder renews it every third of that while it works,
 *              so a holder that stalls (a long pause, a frozen process) is replaced by a standby within one lease
 */
@Validated
@ConfigurationProperties("platy.leader")
public record LeaderProperties(
        @DefaultValue("15s") @DurationMin(millis = 300) Duration lease) {

    public LeaderProperties {
        if (lease.compareTo(Duration.ofSeconds(3)) < 0) {
            throw new IllegalArgumentException("platy.leader.lease must be at least 3s, got " + lease);
        }
    }

    /** How often the holder renews: a third of the lease. */
    public Duration renewEvery() {
        return lease.dividedBy(3);
    }
}
