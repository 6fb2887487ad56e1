package io.platyspark.backend.local.standalone;

import io.platyspark.aws.emr.ClusterConfig;
import io.platyspark.aws.emr.ClusterConfigJson;
import io.platyspark.aws.emr.InstanceFleets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How big a cluster on this machine is, from its config scaled down to what the machine has. The rule:
 * <ul>
 *   <li>workers: the config's core and task target capacities added up (1 when it names none), at most
 *       {@code platy.standalone.max-workers} and at most one per two of the machine's processors (each worker
 *       is a JVM of its own);</li>
 *   <li>cores per worker: the machine's processors divided among the workers, at least 1 (a 2-core machine gives
 *       its one worker 2 cores);</li>
 *   <li>memory per worker: half the machine's memory divided among the workers, at most
 *       {@code max-worker-memory} and at least {@code executor-memory};</li>
 *   <li>each app takes at most half the cluster's cores ({@code spark.cores.max}) and one core per executor
 *       unless it says otherwise, so a second app runs beside the first instead of waiting for it.</li>
 * </ul>
 * The config's {@code spark-defaults} classification becomes the Spark conf defaults of apps on the cluster.
 */
record StandaloneSizing(int workers, int coresPerWorker, long memoryPerWorkerMb, Map<String, String> appDefaults) {

    StandaloneSizing {
        appDefaults = Map.copyOf(appDefaults);
    }

    static StandaloneSizing of(
            String configJson, String name, StandaloneProperties properties, int processors, long machineMemoryBytes) {
        ClusterConfig config = configJson == null ? null : ClusterConfigJson.parse(configJson, name);
        int requested = config == null ? 0 : requestedNodes(config.instanceFleets());
        int workers = Math.max(1, Math.min(requested, Math.min(properties.maxWorkers(), processors / 2)));
        int cores = Math.max(1, processors / workers);
        long executorMb = properties.executorMemory().toMegabytes();
        long memoryMb = Math.max(
                executorMb,
                Math.min(properties.maxWorkerMemory().toMegabytes(), machineMemoryBytes / 2 / workers / (1024 * 1024)));
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("spark.executor.memory", executorMb + "m");
        defaults.put("spark.executor.cores", "1");
        defaults.put("spark.cores.max", String.valueOf(Math.max(1, workers * cores / 2)));
        if (config != null && config.configurations().get("spark-defaults") != null) {
            defaults.putAll(config.configurations().get("spark-defaults"));
        }
        return new StandaloneSizing(workers, cores, memoryMb, defaults);
    }

    private static int requestedNodes(InstanceFleets fleets) {
        if (fleets == null) {
            return 0;
        }
        return fleets.coreTargetOnDemandCapacity()
                + fleets.coreTargetSpotCapacity()
                + fleets.taskTargetOnDemandCapacity()
                + fleets.taskTargetSpotCapacity();
    }

    /** The machine's physical memory, as the JVM sees it (its own heap limit when the OS will not say). */
    static long machineMemoryBytes() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }
}
