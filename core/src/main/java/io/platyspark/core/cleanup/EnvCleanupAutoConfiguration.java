package io.platyspark.core.cleanup;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.platyspark.core.artifact.ArtifactStore;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The environment-build purge the cleaner runs with its retention clean-up ({@link EnvBuildCleaner}). */
@AutoConfiguration
@EnableConfigurationProperties(EnvCleanupProperties.class)
public class EnvCleanupAutoConfiguration {

    @Bean
    EnvBuildCleaner envBuildCleaner(
            DataSource dataSource,
            ArtifactStore artifacts,
            EnvCleanupProperties properties,
            CleanupProperties cleanup,
            Clock clock,
            ObjectProvider<MeterRegistry> meters) {
        return new EnvBuildCleaner(
                JdbcClient.create(dataSource),
                artifacts,
                properties,
                cleanup,
                clock,
                meters.getIfAvailable(() -> Metrics.globalRegistry));
    }
}
