package io.platyspark.core.history;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.aws.AwsClients;
import io.platyspark.aws.s3.S3Logs;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.backend.EventLogLocator;
import io.platyspark.core.backend.LogArchive;
import io.platyspark.core.backend.emr.AwsProperties;
import io.platyspark.core.backend.emr.EmrClusterBackend;
import io.platyspark.core.backend.emr.EmrEventLogs;
import io.platyspark.core.backend.emr.EmrLogArchive;
import io.platyspark.core.backend.local.LocalHistoryServer;
import io.platyspark.core.backend.local.LocalSparkBackend;
import io.platyspark.core.backend.local.LocalSparkProperties;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.config.PlatyCoreAutoConfiguration;
import io.platyspark.core.schedule.FixedDelayRunner;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * App history that outlives the cluster (issue 19): event logs on platform clusters, the recorder of ended apps'
 * metrics and log copies, and the History Server of the embedded mode. Kept apart from the core configuration so
 * each backend family's part can move with it.
 */
@AutoConfiguration(after = PlatyCoreAutoConfiguration.class)
@EnableConfigurationProperties(HistoryProperties.class)
public class HistoryAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(HistoryAutoConfiguration.class);

    /** EMR: event logs under the artifact bucket, container logs under the log URI. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "platy.aws.enabled", havingValue = "true")
    static class EmrHistoryConfiguration {

        @Bean
        S3Logs s3Logs(AwsClients clients) {
            return new S3Logs(clients.s3());
        }

        @Bean
        @ConditionalOnProperty(name = "platy.aws.artifact-bucket")
        EmrEventLogs emrEventLogs(S3Logs s3, AwsProperties aws, HistoryProperties history,
                ObjectProvider<EmrClusterBackend> clusters) {
            EmrEventLogs events = new EmrEventLogs(s3, EmrEventLogs.root(aws.artifactBucket(), aws.artifactPrefix()),
                    history.eventLogConf());
            clusters.ifAvailable(backend -> backend.withEventLogs(events));
            return events;
        }

        @Bean
        @ConditionalOnProperty(name = "platy.aws.log-uri")
        EmrLogArchive emrLogArchive(S3Logs s3, AwsProperties aws) {
            return new EmrLogArchive(s3, aws.logUri());
        }
    }

    /** Where the watchdog runs: ended apps' summaries, History Server links and log copies. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("${platy.reconcile.enabled:false} and ${platy.history.recorder-enabled:true}")
    static class RecorderConfiguration {

        @Bean
        AppHistoryRecorder appHistoryRecorder(DataSource dataSource, SparkAppStore apps, ClusterStore clusters,
                ObjectProvider<EventLogLocator> locators, ObjectProvider<LogArchive> archives,
                HistoryProperties properties, Clock clock, ObjectProvider<MeterRegistry> meters) {
            return new AppHistoryRecorder(JdbcClient.create(dataSource), apps, clusters,
                    locators.orderedStream().toList(), LogArchive.firstOf(archives.orderedStream().toList()),
                    properties, clock, meters.getIfAvailable(SimpleMeterRegistry::new));
        }

        @Bean
        FixedDelayRunner historyRunner(AppHistoryRecorder recorder, HistoryProperties properties,
                ObjectProvider<MeterRegistry> meters) {
            return new FixedDelayRunner("history", properties.interval(), 1, recorder::runOnce,
                    meters.getIfAvailable(SimpleMeterRegistry::new));
        }
    }

    /** The local backend's event logs, and the embedded mode's History Server on them. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(LocalSparkBackend.class)
    static class LocalHistoryConfiguration {

        @Bean(destroyMethod = "stop")
        LocalHistory localHistory(LocalSparkBackend local, LocalSparkProperties localProperties,
                HistoryProperties history) {
            LocalHistoryServer server = null;
            if (history.embeddedServer()) {
                server = local.sparkHome().map(home -> LocalHistoryServer.start(home, local.eventLogDir(),
                        localProperties.uiHost(), history.embeddedPort(),
                        localProperties.workDir().resolve("history-server"))).orElse(null);
                if (server == null) {
                    log.warn("no local Spark found: the History Server is not started");
                }
            }
            String url = history.serverUrl() != null ? history.serverUrl() : server != null ? server.url() : null;
            local.withHistory(history.eventLogConf(), url);
            return new LocalHistory(server, url);
        }
    }

    /** The embedded History Server (null when none runs here) and the base URL of the links. */
    public record LocalHistory(LocalHistoryServer server, String url) {

        void stop() {
            if (server != null) {
                server.stop();
            }
        }
    }
}
