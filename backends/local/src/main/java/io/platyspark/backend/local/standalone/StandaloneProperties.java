package io.platyspark.backend.local.standalone;

import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Clusters on this machine: each platform-created cluster is a Spark standalone master and workers started as
 * child processes of the server, from the same Spark the local backend runs.
 *
 * @param enabled           create clusters as Spark standalone clusters on this machine (the embedded default;
 *                          off when EMR creates clusters, {@code platy.aws.enabled})
 * @param workDir           where each cluster's daemons keep their logs, scratch space (SPARK_LOCAL_DIRS) and
 *                          work dirs, and each app its output (default: {@code standalone} under
 *                          {@code platy.local.work-dir})
 * @param sharedClusterName the shared cluster created at start-up (and re-created when it dies); blank for none
 * @param maxWorkers        at most this many worker processes per cluster, whatever the config asks for
 * @param maxWorkerMemory   at most this much memory per worker; a worker also gets no more than half the
 *                          machine's memory divided among the cluster's workers
 * @param executorMemory    each executor's memory unless the app sets {@code spark.executor.memory}; a worker
 *                          gets at least this much, so an app's executors always fit
 * @param daemonMemory      the heap of each master and worker process (SPARK_DAEMON_MEMORY)
 * @param startTimeout      how long a cluster may take to show its master alive with all its workers
 * @param stopGracePeriod   how long a stopped daemon may take to exit before it is forced
 * @param statusTimeout     the time limit of one call to a master's JSON status
 */
@Validated
@ConfigurationProperties("platy.standalone")
public record StandaloneProperties(
        @DefaultValue("false") boolean enabled,
        Path workDir,
        @DefaultValue("shared") String sharedClusterName,
        @DefaultValue("4") @Min(1) int maxWorkers,
        @DefaultValue("2GB") DataSize maxWorkerMemory,
        @DefaultValue("512MB") DataSize executorMemory,
        @DefaultValue("256MB") DataSize daemonMemory,
        @DefaultValue("3m") @DurationMin(seconds = 1) Duration startTimeout,
        @DefaultValue("15s") @DurationMin(millis = 0) Duration stopGracePeriod,
        @DefaultValue("5s") @DurationMin(millis = 100) Duration statusTimeout) {}
