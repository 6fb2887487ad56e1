package io.platyspark.core.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.platyspark.core.app.AppService;
import io.platyspark.core.app.JdbcSparkAppStore;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.backend.SparkBackend;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.backend.local.LocalClusterBackend;
import io.platyspark.core.backend.local.LocalSparkBackend;
import io.platyspark.core.backend.local.LocalSparkProperties;
import io.platyspark.core.cluster.ClusterService;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.cluster.JdbcClusterStore;
import io.platyspark.core.cleanup.CleanupProperties;
import io.platyspark.core.cleanup.RetentionCleaner;
import io.platyspark.core.reconcile.AppReconciler;
import io.platyspark.core.reconcile.ReconcileProperties;
import io.platyspark.core.schedule.FixedDelayRunner;
import io.platyspark.core.submit.SubmissionProperties;
import io.platyspark.core.submit.SubmissionRunner;
import io.platyspark.core.submit.SubmissionWorker;
import io.platyspark.core.security.ApiTokenService;
import io.platyspark.core.security.AuditLog;
import io.platyspark.core.security.SecurityProperties;
import io.platyspark.core.security.SourcePolicy;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wiring every PlatySpark app shares: the store, the backends, and the workers each app turns on by property.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
        "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"})
@EnableConfigurationProperties({LocalSparkProperties.class, SubmissionProperties.class, ReconcileProperties.class,
        CleanupProperties.class, SecurityProperties.class})
public class PlatyCoreAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    SparkAppStore sparkAppStore(DataSource dataSource, PlatformTransactionManager transactions,
            ObjectProvider<JsonMapper> json, Clock clock) {
        return new JdbcSparkAppStore(JdbcClient.create(dataSource), new TransactionTemplate(transactions),
                json.getIfAvailable(JsonMapper::new), clock);
    }

    @Bean
    @ConditionalOnMissingBean
    ClusterStore clusterStore(DataSource dataSource, Clock clock) {
        return new JdbcClusterStore(JdbcClient.create(dataSource), clock);
    }

    @Bean
    SparkBackends sparkBackends(List<SparkBackend> backends) {
        return new SparkBackends(backends);
    }

    @Bean
    ClusterService clusterService(ClusterStore clusters) {
        return new ClusterService(clusters);
    }

    @Bean
    SourcePolicy sourcePolicy(SecurityProperties security) {
        return new SourcePolicy(security.localSourceRoots(), Set.copyOf(security.allowedBuckets()),
                security.allowedLivyHosts());
    }

    @Bean
    AppService appService(SparkAppStore apps, ClusterStore clusters, SparkBackends backends, SourcePolicy sources,
            SecurityProperties security, ObjectProvider<SubmissionRunner> submissionRunner) {
        return new AppService(apps, clusters, backends, sources, security.yarnQueuePrefix(),
                () -> submissionRunner.ifAvailable(SubmissionRunner::nudge));
    }

    @Bean
    ApiTokenService apiTokenService(DataSource dataSource, Clock clock) {
        return new ApiTokenService(JdbcClient.create(dataSource), clock);
    }

    @Bean
    AuditLog auditLog(DataSource dataSource, Clock clock) {
        return new AuditLog(JdbcClient.create(dataSource), clock);
    }

    private static MeterRegistry meters(ObjectProvider<MeterRegistry> registry) {
        return registry.getIfAvailable(() -> Metrics.globalRegistry);
    }

    /** Spark in local mode on this machine, with its one always-ready cluster. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "platy.local.enabled", havingValue = "true", matchIfMissing = true)
    static class LocalBackendConfiguration {

        @Bean(destroyMethod = "shutdown")
        LocalSparkBackend localSparkBackend(LocalSparkProperties properties) {
            return new LocalSparkBackend(properties);
        }

        @Bean
        LocalClusterBackend localClusterBackend(ClusterStore clusters) {
            return new LocalClusterBackend(clusters);
        }

        @Bean
        ApplicationRunner localClusterRecorder(LocalClusterBackend local) {
            return args -> local.ensureLocalCluster();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "platy.submission.enabled", havingValue = "true")
    static class SubmissionConfiguration {

        @Bean
        SubmissionWorker submissionWorker(SparkAppStore apps, ClusterStore clusters, SparkBackends backends,
                SubmissionProperties properties, Clock clock, ObjectProvider<MeterRegistry> meters) {
            return new SubmissionWorker(apps, clusters, backends, properties, clock, meters(meters));
        }

        @Bean
        SubmissionRunner submissionRunner(SubmissionWorker worker, SubmissionProperties properties) {
            return new SubmissionRunner(worker, properties);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ReconcileConfiguration {

        @Bean
        AppReconciler appReconciler(SparkAppStore apps, ClusterStore clusters, SparkBackends backends,
                ObjectProvider<MeterRegistry> meters) {
            return new AppReconciler(apps, clusters, backends, meters(meters));
        }

        @Bean
        @ConditionalOnProperty(name = "platy.reconcile.enabled", havingValue = "true")
        FixedDelayRunner reconcileRunner(AppReconciler reconciler, ReconcileProperties properties) {
            return new FixedDelayRunner("reconcile", properties.interval(), reconciler::reconcileOnce);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CleanupConfiguration {

        @Bean
        RetentionCleaner retentionCleaner(DataSource dataSource, CleanupProperties properties, Clock clock,
                ObjectProvider<MeterRegistry> meters) {
            return new RetentionCleaner(JdbcClient.create(dataSource), properties, clock, meters(meters));
        }

        @Bean
        @ConditionalOnProperty(name = "platy.cleanup.enabled", havingValue = "true")
        FixedDelayRunner cleanupRunner(RetentionCleaner cleaner, CleanupProperties properties) {
            return new FixedDelayRunner("cleanup", properties.interval(), cleaner::runOnce);
        }
    }
}
