package io.platyspark.backend.local;

import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.config.PlatyCoreAutoConfiguration;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/** Spark in local mode on this machine, with its one always-ready cluster. On with {@code platy.local.enabled}. */
@AutoConfiguration(before = PlatyCoreAutoConfiguration.class)
@ConditionalOnProperty(name = "platy.local.enabled", havingValue = "true")
@EnableConfigurationProperties(LocalSparkProperties.class)
public class LocalBackendAutoConfiguration {

    @Bean(destroyMethod = "shutdown")
    LocalSparkBackend localSparkBackend(LocalSparkProperties properties) {
        return new LocalSparkBackend(properties);
    }

    @Bean
    LocalClusterBackend localClusterBackend(ClusterStore clusters, LocalSparkProperties properties) {
        return new LocalClusterBackend(clusters, properties.python());
    }

    @Bean
    ApplicationRunner localClusterRecorder(LocalClusterBackend local) {
        return args -> local.ensureLocalCluster();
    }
}
