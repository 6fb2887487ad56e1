package io.platyspark.core.web;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Recently verified API tokens, accepted while the database cannot be reached (and only then).
 *
 * @param ttl        how long after its last successful check a token is still accepted during an outage; a token
 *                   revoked within this time before the outage is accepted until it runs out. 0 turns it off.
 * @param maxEntries how many tokens are remembered; the least recently verified are forgotten first
 */
@Validated
@ConfigurationProperties("platy.security.token-cache")
public record TokenCacheProperties(
        @DefaultValue("5m") @DurationMin(millis = 0) Duration ttl,
        @DefaultValue("10000") @Min(0) int maxEntries) {}
