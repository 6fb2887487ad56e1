package io.platyspark.core.cleanup;

import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Retention of Python environment builds, purged by the cleaner alongside apps and clusters (batch size, run bound
 * and dry-run are {@code platy.cleanup}'s).
 *
 * @param enabled   purge environment builds and their archives
 * @param retention a finished build no app names any more (apps are purged after {@code platy.cleanup.app-retention})
 *                  is deleted once it is older than this, and its archive with it when no live build shares it
 */
@Validated
@ConfigurationProperties("platy.cleanup.envs")
public record EnvCleanupProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("30d") @DurationMin(millis = 0) Duration retention) {}
