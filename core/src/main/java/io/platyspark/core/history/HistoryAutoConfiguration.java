package io.platyspark.core.history;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.backend.EventLogLocator;
import io.platyspark.core.backend.LogArchive;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.config.PlatyCoreAutoConfiguration;
import io.platyspark.core.schedule.FixedDelayRunner;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * App history that outlives the cluster: the recorder of ended apps' metrics, History Server links and log copies,
 * over the event-log locators and log archives the backend modules bring (EMR's in backends/aws, the local event
 * logs and the embedded History Server in backends/local).
 */
@AutoConfiguration(after = PlatyCoreAutoConfiguration.class)
@EnableConfigurationProperties(HistoryProperties.class)
public class HistoryAutoConfiguration {

    /** Where the watchdog runs: ended apps' summaries, History Server links and log copies. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("${platy.reconcile.enabled:false} and ${platy.history.recorder-enabled:true}")
    static class RecorderConfiguration {

        @Bean
        AppHistoryRecorder appHistoryRecorder(
                DataSource dataSource,
                SparkAppStore apps,
                ClusterStore clusters,
                ObjectProvider<EventLogLocator> locators,
                ObjectProvider<LogArchive> archives,
                HistoryProperties properties,
                Clock clock,
                ObjectProvider<MeterRegistry> meters) {
            return new AppHistoryRecorder(
                    JdbcClient.create(dataSource),
                    apps,
                    clusters,
                    locators.orderedStream().toList(),
                    LogArchive.firstOf(archives.orderedStream().toList()),
                    properties,
                    clock,
                    meters.getIfAvailable(SimpleMeterRegistry::new));
        }

        @Bean
        FixedDelayRunner historyRunner(
                AppHistoryRecorder recorder, HistoryProperties properties, ObjectProvider<MeterRegistry> meters) {
            return new FixedDelayRunner(
                    "history",
                    properties.interval(),
                    1,
                    recorder::runOnce,
                    meters.getIfAvailable(SimpleMeterRegistry::new));
        }
    }
}
