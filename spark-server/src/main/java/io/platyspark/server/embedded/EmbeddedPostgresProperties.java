package io.platyspark.server.embedded;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * A PostgreSQL server started inside this JVM, for the embedded default and for trying things out. Production
 * points {@code spring.datasource.*} at a real server instead.
 *
 * @param enabled start it and use it as the data source
 * @param port    0 for any free port
 * @param dataDir keep the data here across restarts; unset for a fresh database each start
 */
@Validated
@ConfigurationProperties("platy.embedded-postgres")
public record EmbeddedPostgresProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("0") @Min(0) @Max(65535) int port,
        Path dataDir) {}
