package io.platyspark.core.app;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A Spark application as the platform records it.
 *
 * @param backend      which backend adapter took it ({@code local}, {@code livy}), null before submission
 * @param backendId    the backend's own handle (Livy batch id, local run id)
 * @param backendAppId the cluster manager's id (YARN application id) once known
 * @param pyFiles      extra Python files and archives for the driver's and executors' path
 * @param requirements pip requirement lines the app's Python environment is built from (empty: none)
 * @param envBuildId   the environment build that serves those requirements, once requested
 * @param unknownSince since when the backend has not known the app (null while it does)
 * @param metrics      the app's Spark metrics as its backend last reported them, null until then
 * @param resolvedSource  where the backend was given the source (the uploaded {@code s3://} copy of a local file
 *                        for a remote cluster; else {@code source} itself), null until submitted
 * @param resolvedPyFiles the same for {@code pyFiles}, entry by entry, null until submitted
 */
public record SparkApp(
        UUID id,
        String name,
        String team,
        String clusterName,
        UUID clusterId,
        String source,
        String mainClass,
        List<String> args,
        Map<String, String> sparkConf,
        String idempotencyKey,
        String requestId,
        AppState state,
        String stateReason,
        String backend,
        String backendId,
        String backendAppId,
        AppLinks links,
        int attempts,
        Instant createdAt,
        Instant updatedAt,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        List<String> pyFiles,
        List<String> requirements,
        String pythonVersion,
        UUID envBuildId,
        Instant unknownSince,
        Map<String, Long> metrics,
        String resolvedSource,
        List<String> resolvedPyFiles) {

    public SparkApp {
        args = List.copyOf(args);
        sparkConf = Map.copyOf(sparkConf);
        links = links == null ? AppLinks.NONE : links;
        pyFiles = pyFiles == null ? List.of() : List.copyOf(pyFiles);
        requirements = requirements == null ? List.of() : List.copyOf(requirements);
        metrics = metrics == null ? null : Map.copyOf(metrics);
        resolvedPyFiles = resolvedPyFiles == null ? null : List.copyOf(resolvedPyFiles);
    }

    /** Needs a Python environment built before it can run. */
    public boolean needsEnvironment() {
        return !requirements.isEmpty();
    }

    /** This app as it is once a backend has taken it. */
    public SparkApp withBackend(String backend, String backendId) {
        return new SparkApp(
                id,
                name,
                team,
                clusterName,
                clusterId,
                source,
                mainClass,
                args,
                sparkConf,
                idempotencyKey,
                requestId,
                state,
                stateReason,
                backend,
                backendId,
                backendAppId,
                links,
                attempts,
                createdAt,
                updatedAt,
                submittedAt,
                startedAt,
                finishedAt,
                pyFiles,
                requirements,
                pythonVersion,
                envBuildId,
                unknownSince,
                metrics,
                resolvedSource,
                resolvedPyFiles);
    }

    /** This app with its sources where its run reads them (uploaded copies), not stored. */
    public SparkApp withSources(String source, List<String> pyFiles) {
        return new SparkApp(
                id,
                name,
                team,
                clusterName,
                clusterId,
                source,
                mainClass,
                args,
                sparkConf,
                idempotencyKey,
                requestId,
                state,
                stateReason,
                backend,
                backendId,
                backendAppId,
                links,
                attempts,
                createdAt,
                updatedAt,
                submittedAt,
                startedAt,
                finishedAt,
                pyFiles,
                requirements,
                pythonVersion,
                envBuildId,
                unknownSince,
                metrics,
                resolvedSource,
                resolvedPyFiles);
    }

    /** This app with extra Spark conf for its run (the environment's settings), not stored. */
    public SparkApp withRunConf(Map<String, String> extra) {
        Map<String, String> merged = new java.util.TreeMap<>(sparkConf);
        merged.putAll(extra);
        return new SparkApp(
                id,
                name,
                team,
                clusterName,
                clusterId,
                source,
                mainClass,
                args,
                merged,
                idempotencyKey,
                requestId,
                state,
                stateReason,
                backend,
                backendId,
                backendAppId,
                links,
                attempts,
                createdAt,
                updatedAt,
                submittedAt,
                startedAt,
                finishedAt,
                pyFiles,
                requirements,
                pythonVersion,
                envBuildId,
                unknownSince,
                metrics,
                resolvedSource,
                resolvedPyFiles);
    }

    /** The Livy batch name and similar backend-side names: unique per app and never all digits. */
    public String backendName() {
        return "platy-" + id;
    }
}
