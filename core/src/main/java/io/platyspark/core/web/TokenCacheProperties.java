package io.platyspark.core.web;

import java.time.Duration;
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
        @DefaultValue("5m") Duration ttl,
        @DefaultValue("10000") int maxEntries) {
}
