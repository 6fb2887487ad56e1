package io.platyspark.backend.livy;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Livy backend: apps on clusters that have a Livy URL (EMR's master on port 8998, or a registered Livy).
 *
 * @param enabled        submit to Livy at all
 * @param connectTimeout connection timeout per call
 * @param readTimeout    read timeout per call
 * @param maxRetries     retries of idempotent calls (reads, deletes) on transport errors and 5xx; never of creates
 * @param retryBackoff   the first retry's wait, doubled per retry
 * @param pageSize       batches per list page when a cycle reads a cluster's batches
 * @param username       HTTP basic auth user for Livy (LDAP), if Livy requires it
 * @param password       its password
 * @param yarnRmPort     the YARN ResourceManager's web port on the master, asked about an app whose batch Livy has
 *                       already purged (0 turns the lookup off)
 * @param stateRetain    how long the Livy servers registered by URL keep a finished batch
 *                       ({@code livy.server.session.state-retain.sec}; Livy's default is 600 s). Exactly-once
 *                       submission needs it longer than the submission lease's worst-case resolution time: a
 *                       spark-server with the submission worker refuses to start otherwise. EMR clusters the
 *                       platform creates carry their own value in their {@code livy-conf} classification.
 */
@Validated
@ConfigurationProperties("platy.livy")
public record LivyProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5s") @DurationMin(millis = 1) Duration connectTimeout,
        @DefaultValue("30s") @DurationMin(millis = 1) Duration readTimeout,
        @DefaultValue("2") @Min(0) int maxRetries,
        @DefaultValue("500ms") @DurationMin(millis = 0) Duration retryBackoff,
        @DefaultValue("100") @Min(1) @Max(1000) int pageSize,
        String username,
        String password,
        @DefaultValue("8088") @Min(0) @Max(65535) int yarnRmPort,
        @DefaultValue("10m") @DurationMin(millis = 1) Duration stateRetain) {}
