package io.platyspark.backend.local.standalone;

import io.platyspark.backend.local.LocalSparkProperties;
import io.platyspark.core.cluster.ClusterConfigs;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.cluster.NewCluster;
import io.platyspark.core.config.PlatyCoreAutoConfiguration;
import io.platyspark.core.schedule.FixedDelayRunner;
import io.platyspark.core.submit.SubmissionRunner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Clusters on this machine as Spark standalone clusters (with {@code platy.standalone.enabled=true}; EMR creates
 * the clusters when it is enabled instead). The shared cluster is created at start-up.
 */
@AutoConfiguration(after = PlatyCoreAutoConfiguration.class)
@ConditionalOnExpression("${platy.standalone.enabled:false} and !${platy.aws.enabled:false}")
@EnableConfigurationProperties(StandaloneProperties.class)
public class StandaloneAutoConfiguration {

    @Bean
    StandaloneProcesses standaloneProcesses(StandaloneProperties properties, LocalSparkProperties local) {
        return new StandaloneProcesses(workDir(properties, local), properties, local.python());
    }

    @Bean
    SparkMasterClient sparkMasterClient(StandaloneProperties properties) {
        return new SparkMasterClient(new OkHttpClient.Builder()
                .callTimeout(properties.statusTimeout())
                .build());
    }

    @Bean(destroyMethod = "shutdown")
    StandaloneSparkBackend standaloneSparkBackend(
            StandaloneProperties properties,
            LocalSparkProperties local,
            StandaloneProcesses processes,
            SparkMasterClient masters) {
        // The local backend's runs, in a work dir of their own; the master comes from the cluster.
        LocalSparkProperties runs = new LocalSparkProperties(
                true,
                local.sparkHome(),
                local.python(),
                workDir(properties, local).resolve("apps"),
                "spark://" + StandaloneProcesses.HOST,
                local.maxConcurrentApps(),
                local.killGracePeriod(),
                local.uiHost());
        return new StandaloneSparkBackend(runs, masters, cluster -> {
            if (cluster.registered()) {
                // An existing master: its own defaults apply, none of this machine's sizing.
                return cluster.sparkMaster() && cluster.masterDns() != null
                        ? Optional.of(new StandaloneSparkBackend.MasterEndpoint(
                                cluster.externalId(), java.net.URI.create(cluster.masterDns()), java.util.Map.of()))
                        : Optional.empty();
            }
            return processes
                    .find(cluster.id())
                    .map(started -> new StandaloneSparkBackend.MasterEndpoint(
                            started.masterUrl(),
                            started.webUi(),
                            StandaloneSizing.of(
                                            cluster.config(),
                                            cluster.name(),
                                            properties,
                                            Runtime.getRuntime().availableProcessors(),
                                            StandaloneSizing.machineMemoryBytes())
                                    .appDefaults()));
        });
    }

    @Bean(destroyMethod = "shutdown")
    StandaloneClusterBackend standaloneClusterBackend(
            StandaloneProcesses processes,
            SparkMasterClient masters,
            StandaloneProperties properties,
            StandaloneSparkBackend spark,
            Clock clock) {
        return new StandaloneClusterBackend(processes, masters, properties, spark::sparkHome, clock);
    }

    @Bean
    StandaloneClusterConfigs standaloneClusterConfigs() {
        return new StandaloneClusterConfigs();
    }

    /** The shared cluster exists from start-up; the watchdog re-creates it when it dies. */
    @Bean
    ApplicationRunner standaloneSharedCluster(
            StandaloneProperties properties,
            ClusterStore clusters,
            StandaloneClusterConfigs configs,
            ObjectProvider<SubmissionRunner> submission) {
        return args -> {
            String name = properties.sharedClusterName();
            if (name == null || name.isBlank()) {
                return;
            }
            Optional<ClusterConfigs.ValidConfig> preset = configs.preset(ClusterKind.SHARED, name, null);
            var recorded = clusters.getOrCreate(new NewCluster(
                    name,
                    ClusterKind.SHARED,
                    null,
                    preset.orElseThrow().json(),
                    null,
                    ClusterState.STARTING,
                    preset.get().idleTimeout()));
            if (recorded.created()) {
                submission.ifAvailable(SubmissionRunner::nudge);
            }
        };
    }

    /** Runs live in this process: the watchdog records their changes when they happen. */
    @Bean
    ApplicationRunner standaloneRunChanges(
            StandaloneSparkBackend backend, @Qualifier("reconcileRunner") ObjectProvider<FixedDelayRunner> watchdog) {
        return args -> watchdog.ifAvailable(runner -> backend.onChange(runner::nudge));
    }

    private static Path workDir(StandaloneProperties properties, LocalSparkProperties local) {
        return properties.workDir() != null
                ? properties.workDir()
                : local.workDir().resolve("standalone");
    }
}
