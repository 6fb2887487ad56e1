package io.platyspark.core.cleanup;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.platyspark.core.artifact.ArtifactStore;
import io.platyspark.core.env.JdbcEnvBuildStore;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The environment-build purge the cleaner runs with its retention clean-up ({@link EnvBuildCleaner}). */
@AutoConfiguration
@EnableConfigurationProperties(EnvCleanupProperties.class)
public class EnvCleanupAutoConfiguration {

    @Bean
    EnvBuildCleaner envBuildCleaner(
            DataSource dataSource,
            PlatformTransactionManager transactions,
            ObjectProvider<JsonMapper> json,
            ArtifactStore artifacts,
            EnvCleanupProperties properties,
            CleanupProperties cleanup,
            Clock clock,
            ObjectProvider<MeterRegistry> meters) {
        JdbcClient jdbc = JdbcClient.create(dataSource);
        return new EnvBuildCleaner(
                jdbc,
                new JdbcEnvBuildStore(
                        jdbc, new TransactionTemplate(transactions), json.getIfAvailable(JsonMapper::new), clock),
                artifacts,
                properties,
                cleanup,
                clock,
                meters.getIfAvailable(() -> Metrics.globalRegistry));
    }
}
