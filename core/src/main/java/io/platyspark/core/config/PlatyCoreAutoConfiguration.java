package io.platyspark.core.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.platyspark.core.app.JdbcSparkAppStore;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.app.TeamLimits;
import io.platyspark.core.artifact.ArtifactProperties;
import io.platyspark.core.artifact.ArtifactStore;
import io.platyspark.core.artifact.LocalArtifactStore;
import io.platyspark.core.backend.ClusterBackend;
import io.platyspark.core.backend.ClusterBackends;
import io.platyspark.core.backend.LogArchive;
import io.platyspark.core.backend.RegisteredClusterBackend;
import io.platyspark.core.backend.SparkBackend;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.cleanup.Cleaner;
import io.platyspark.core.cleanup.CleanupProperties;
import io.platyspark.core.cleanup.IdleClusterTerminator;
import io.platyspark.core.cleanup.RetentionCleaner;
import io.platyspark.core.cluster.ClusterConfigs;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.cluster.JdbcClusterStore;
import io.platyspark.core.env.EnvProperties;
import io.platyspark.core.env.EnvSparkConf;
import io.platyspark.core.env.EnvironmentService;
import io.platyspark.core.env.Environments;
import io.platyspark.core.env.HttpEnvironments;
import io.platyspark.core.env.JdbcEnvBuildStore;
import io.platyspark.core.env.PythonEnvBuilder;
import io.platyspark.core.metrics.AppStateMetrics;
import io.platyspark.core.metrics.StoreGauges;
import io.platyspark.core.reconcile.AppReconciler;
import io.platyspark.core.reconcile.ClusterReconciler;
import io.platyspark.core.reconcile.ReconcileProperties;
import io.platyspark.core.reconcile.Watchdog;
import io.platyspark.core.schedule.FencingDataSource;
import io.platyspark.core.schedule.FixedDelayRunner;
import io.platyspark.core.schedule.LeaderLock;
import io.platyspark.core.schedule.LeaderProperties;
import io.platyspark.core.schedule.SpacedTask;
import io.platyspark.core.security.ApiTokenService;
import io.platyspark.core.security.AuditLog;
import io.platyspark.core.security.SecurityProperties;
import io.platyspark.core.security.SourcePolicy;
import io.platyspark.core.service.AppService;
import io.platyspark.core.service.ClusterProvisioner;
import io.platyspark.core.service.ClusterService;
import io.platyspark.core.store.StoreChanges;
import io.platyspark.core.submit.SourceStager;
import io.platyspark.core.submit.SubmissionProperties;
import io.platyspark.core.submit.SubmissionRunner;
import io.platyspark.core.submit.SubmissionWorker;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
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
 * The wiring every PlatySpark app shares: the store, the services, and the workers each app turns on by property.
 * The backends wire themselves from their own modules (backends/*), before this, so that it sees what they bring.
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
            "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"
        })
@EnableConfigurationProperties({
    SubmissionProperties.class,
    ReconcileProperties.class,
    CleanupProperties.class,
    SecurityProperties.class,
    ArtifactProperties.class,
    EnvProperties.class,
    LeaderProperties.class
})
public class PlatyCoreAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    SparkAppStore sparkAppStore(
            DataSource dataSource,
            PlatformTransactionManager transactions,
            ObjectProvider<JsonMapper> json,
            Clock clock,
            ObjectProvider<MeterRegistry> meters,
            ObjectProvider<TeamLimits> limits) {
        return new JdbcSparkAppStore(
                JdbcClient.create(dataSource),
                new TransactionTemplate(transactions),
                json.getIfAvailable(JsonMapper::new),
                clock,
                new AppStateMetrics(meters(meters)),
                limits.getIfAvailable(() -> TeamLimits.NONE));
    }

    @Bean
    @ConditionalOnMissingBean
    ClusterStore clusterStore(
            DataSource dataSource, PlatformTransactionManager transactions, Clock clock, StoreChanges changes) {
        return new JdbcClusterStore(
                JdbcClient.create(dataSource), new TransactionTemplate(transactions), clock, changes);
    }

    @Bean
    SparkBackends sparkBackends(List<SparkBackend> backends, ObjectProvider<MeterRegistry> meters) {
        return new SparkBackends(backends, meters(meters));
    }

    @Bean
    RegisteredClusterBackend registeredClusterBackend() {
        return new RegisteredClusterBackend();
    }

    @Bean
    ClusterBackends clusterBackends(List<ClusterBackend> backends) {
        return new ClusterBackends(backends);
    }

    @Bean
    ClusterService clusterService(
            ClusterStore clusters,
            ClusterBackends backends,
            ObjectProvider<ClusterConfigs> configs,
            SourcePolicy sources,
            ObjectProvider<SubmissionRunner> submissionRunner,
            @Qualifier("provisioningPass") ObjectProvider<SpacedTask> provisioningPass,
            ObjectProvider<io.platyspark.core.quota.JdbcTeamQuotas> quotas) {
        // Without a cluster provider (EMR), configs are refused with a message saying what to do instead.
        // Each provider checks the configs of its kinds (EMR; EMR on EKS and Serverless when enabled).
        io.platyspark.core.quota.JdbcTeamQuotas teams = quotas.getIfAvailable();
        return new ClusterService(
                clusters,
                backends,
                ClusterConfigs.byKind(configs.orderedStream().toList(), ClusterConfigs.NONE),
                sources,
                // A new cluster is for the provisioner's next pass, whenever the last one ran.
                new NudgeRunner(submissionRunner, provisioningPass),
                teams == null ? io.platyspark.core.cluster.ClusterQuota.NONE : teams::checkClusters);
    }

    /** A local directory, unless a backend module brings another store (S3 when a bucket is configured). */
    @Bean
    @ConditionalOnMissingBean
    ArtifactStore artifactStore(ArtifactProperties properties) {
        return new LocalArtifactStore(properties.localDir());
    }

    /**
     * What this process hears of changes to tokens and clusters; it holds one connection of its own from the first
     * token or cluster read on (see {@link StoreChanges}).
     */
    @Bean
    StoreChanges storeChanges(DataSource dataSource) {
        return StoreChanges.listeningOn(dataSource);
    }

    @Bean
    LeaderLock leaderLock(DataSource dataSource, Clock clock, LeaderProperties properties) {
        return new LeaderLock(dataSource, clock, properties.lease(), properties.renewEvery());
    }

    /**
     * Every connection of the application carries the fencing token of the leader's task that takes it (none
     * outside one), so the store refuses the writes of a watchdog or cleaner that has lost its role.
     */
    @Bean
    static BeanPostProcessor fencingDataSource() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof DataSource ds && !(bean instanceof FencingDataSource)
                        ? new FencingDataSource(ds)
                        : bean;
            }
        };
    }

    @Bean
    SourcePolicy sourcePolicy(SecurityProperties security, ArtifactProperties artifacts) {
        // Uploaded artifacts in the local store are sources like any other.
        List<java.nio.file.Path> roots = new java.util.ArrayList<>(security.localSourceRoots());
        roots.add(artifacts.localDir());
        return new SourcePolicy(roots, Set.copyOf(security.allowedBuckets()), security.allowedLivyHosts());
    }

    @Bean
    AppService appService(
            SparkAppStore apps,
            ClusterStore clusters,
            ClusterService clusterService,
            SparkBackends backends,
            SourcePolicy sources,
            SecurityProperties security,
            ObjectProvider<SubmissionRunner> submissionRunner,
            ObjectProvider<LogArchive> archives) {
        return new AppService(
                apps,
                clusters,
                clusterService,
                backends,
                sources,
                security.yarnQueuePrefix(),
                new NudgeRunner(submissionRunner),
                LogArchive.firstOf(archives.orderedStream().toList()));
    }

    @Bean
    ApiTokenService apiTokenService(DataSource dataSource, Clock clock, StoreChanges changes) {
        return new ApiTokenService(JdbcClient.create(dataSource), clock, changes);
    }

    @Bean
    AuditLog auditLog(DataSource dataSource, Clock clock) {
        return new AuditLog(JdbcClient.create(dataSource), clock);
    }

    /**
     * Wakes the submission runner after a submit. The runner is looked up once, on the first submit (a lookup in
     * the bean factory on every submit showed in profiles), since it depends on the app service's own beans.
     */
    static final class NudgeRunner implements Runnable {
        private final ObjectProvider<SubmissionRunner> provider;
        private final ObjectProvider<SpacedTask> dueFirst;
        private volatile Optional<SubmissionRunner> runner;

        NudgeRunner(ObjectProvider<SubmissionRunner> provider) {
            this(provider, null);
        }

        /** Also makes {@code dueFirst} (when there is one) run at the round it nudges. */
        NudgeRunner(ObjectProvider<SubmissionRunner> provider, ObjectProvider<SpacedTask> dueFirst) {
            this.provider = provider;
            this.dueFirst = dueFirst;
        }

        @Override
        public void run() {
            if (dueFirst != null) {
                dueFirst.ifAvailable(SpacedTask::due);
            }
            Optional<SubmissionRunner> found = runner;
            if (found == null) {
                found = Optional.ofNullable(provider.getIfAvailable());
                runner = found;
            }
            found.ifPresent(SubmissionRunner::nudge);
        }
    }

    private static MeterRegistry meters(ObjectProvider<MeterRegistry> registry) {
        return registry.getIfAvailable(() -> Metrics.globalRegistry);
    }

    /** Python environments from the app-builder service, for a spark-server that has no Python of its own. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "platy.env.builder-url")
    static class RemoteEnvConfiguration {

        @Bean
        HttpEnvironments httpEnvironments(EnvProperties properties) {
            return new HttpEnvironments(properties.builderUrl(), properties.builderToken());
        }

        @Bean
        EnvSparkConf envSparkConf() {
            return new EnvSparkConf();
        }
    }

    /** Python environments for apps with requirements, built in this process. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnExpression("${platy.env.enabled:true} and '${platy.env.builder-url:}' == ''")
    static class EnvConfiguration {

        @Bean
        PythonEnvBuilder pythonEnvBuilder(EnvProperties properties) {
            return new PythonEnvBuilder(properties);
        }

        @Bean(destroyMethod = "close")
        EnvironmentService environmentService(
                DataSource dataSource,
                PlatformTransactionManager transactions,
                ObjectProvider<JsonMapper> json,
                Clock clock,
                PythonEnvBuilder builder,
                ArtifactStore artifacts,
                EnvProperties properties,
                ObjectProvider<MeterRegistry> meters) {
            return new EnvironmentService(
                    new JdbcEnvBuildStore(
                            JdbcClient.create(dataSource),
                            new TransactionTemplate(transactions),
                            json.getIfAvailable(JsonMapper::new),
                            clock),
                    builder,
                    artifacts,
                    properties,
                    meters(meters));
        }

        @Bean
        EnvSparkConf envSparkConf() {
            return new EnvSparkConf();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "platy.submission.enabled", havingValue = "true")
    static class SubmissionConfiguration {

        /** The least time between two passes of the cluster provisioner from the worker's rounds. */
        static final Duration PROVISION_SPACING = Duration.ofMillis(100);

        @Bean
        SubmissionWorker submissionWorker(
                SparkAppStore apps,
                ClusterStore clusters,
                SparkBackends backends,
                SubmissionProperties properties,
                Clock clock,
                ObjectProvider<MeterRegistry> meters,
                ArtifactStore artifacts,
                ObjectProvider<Environments> envs,
                ObjectProvider<EnvSparkConf> conf,
                ClusterBackends clusterBackends) {
            return new SubmissionWorker(
                    apps,
                    clusters,
                    backends,
                    properties,
                    clock,
                    meters(meters),
                    new SourceStager(artifacts),
                    envs.getIfAvailable(Environments::none),
                    conf.getIfAvailable(EnvSparkConf::new),
                    io.platyspark.core.env.PythonTargets.from(clusterBackends));
        }

        @Bean
        ClusterProvisioner clusterProvisioner(
                ClusterStore clusters,
                ClusterBackends backends,
                SubmissionProperties properties,
                ReconcileProperties reconcile,
                Clock clock,
                ObjectProvider<MeterRegistry> meters) {
            // A cluster create is not renewed like an app's claim: its lease stays long enough for one call to
            // the provider, which adopts by tag what a worker that died had created.
            return new ClusterProvisioner(
                    clusters,
                    backends,
                    Duration.ofMinutes(5),
                    properties.initialBackoff(),
                    properties.maxBackoff(),
                    meters(meters),
                    clock,
                    reconcile.pendingTimeout());
        }

        /**
         * The provisioner's pass in the worker's rounds, at most every PROVISION_SPACING: a busy worker runs hundreds
         * of rounds a second, each paying a claim on clusters for nothing. A cluster this process records makes the
         * next round's pass run whenever the last one did (ClusterService's listener); one recorded elsewhere waits at
         * most the spacing, or the poll interval when no round is nudged meanwhile.
         */
        @Bean
        SpacedTask provisioningPass(ClusterProvisioner provisioner) {
            return new SpacedTask(PROVISION_SPACING, provisioner::runOnce);
        }

        @Bean
        SubmissionRunner submissionRunner(
                SubmissionWorker worker,
                @Qualifier("provisioningPass") SpacedTask provisioningPass,
                SubmissionProperties properties,
                ObjectProvider<MeterRegistry> meters) {
            return new SubmissionRunner(
                    () -> provisioningPass.getAsInt() + worker.runOnce(),
                    worker::renewLeases,
                    properties,
                    meters(meters));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ReconcileConfiguration {

        @Bean
        AppReconciler appReconciler(
                SparkAppStore apps,
                ClusterStore clusters,
                SparkBackends backends,
                ReconcileProperties properties,
                Clock clock,
                ObjectProvider<MeterRegistry> meters) {
            return new AppReconciler(apps, clusters, backends, properties, clock, meters(meters));
        }

        @Bean
        ClusterReconciler clusterReconciler(
                ClusterStore clusters,
                SparkAppStore apps,
                ClusterBackends backends,
                ReconcileProperties properties,
                Clock clock,
                ObjectProvider<MeterRegistry> meters,
                ObjectProvider<SubmissionRunner> submissionRunner,
                @Qualifier("provisioningPass") ObjectProvider<SpacedTask> provisioningPass) {
            return new ClusterReconciler(
                    clusters,
                    apps,
                    backends,
                    properties,
                    clock,
                    meters(meters),
                    new NudgeRunner(submissionRunner, provisioningPass));
        }

        @Bean
        StoreGauges storeGauges(DataSource dataSource, ObjectProvider<MeterRegistry> meters) {
            return new StoreGauges(JdbcClient.create(dataSource), meters(meters));
        }

        @Bean
        Watchdog watchdog(LeaderLock lock, ClusterReconciler clusters, AppReconciler apps, StoreGauges gauges) {
            return new Watchdog(lock, clusters, apps, gauges);
        }

        @Bean
        @ConditionalOnProperty(name = "platy.reconcile.enabled", havingValue = "true")
        FixedDelayRunner reconcileRunner(
                Watchdog watchdog,
                ReconcileProperties properties,
                SparkBackends backends,
                ObjectProvider<MeterRegistry> meters) {
            FixedDelayRunner runner =
                    new FixedDelayRunner("watchdog", properties.interval(), 1, watchdog::runOnce, meters(meters));
            // Backends that see their apps change (local runs live in this process): record it when it happens.
            backends.onChange(runner::nudge);
            return runner;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class CleanupConfiguration {

        @Bean
        RetentionCleaner retentionCleaner(
                DataSource dataSource,
                CleanupProperties properties,
                Clock clock,
                ObjectProvider<MeterRegistry> meters) {
            return new RetentionCleaner(JdbcClient.create(dataSource), properties, clock, meters(meters));
        }

        @Bean
        IdleClusterTerminator idleClusterTerminator(
                DataSource dataSource,
                ClusterStore store,
                ClusterService clusters,
                CleanupProperties properties,
                Clock clock,
                ObjectProvider<MeterRegistry> meters) {
            return new IdleClusterTerminator(
                    JdbcClient.create(dataSource), store, clusters, properties, clock, meters(meters));
        }

        @Bean
        Cleaner cleaner(
                LeaderLock lock,
                RetentionCleaner retention,
                IdleClusterTerminator idle,
                ObjectProvider<io.platyspark.core.cleanup.EnvBuildCleaner> envs) {
            return new Cleaner(lock, retention, idle, envs.getIfAvailable());
        }

        @Bean
        @ConditionalOnProperty(name = "platy.cleanup.enabled", havingValue = "true")
        FixedDelayRunner cleanupRunner(
                Cleaner cleaner, CleanupProperties properties, ObjectProvider<MeterRegistry> meters) {
            return new FixedDelayRunner("cleanup", properties.interval(), 1, cleaner::runOnce, meters(meters));
        }
    }
}
