package io.platyspark.core.app;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A validated request to run an app, before it is stored.
 *
 * @param clusterId    the cluster the name resolved to when the app was accepted
 * @param pyFiles      extra Python files or archives (URIs) for {@code --py-files}
 * @param requirements pip requirement lines for the app's Python environment; empty when it needs none
 */
public record NewSparkApp(
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
        List<String> pyFiles,
        List<String> requirements,
        String pythonVersion) {

    public NewSparkApp {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(team, "team == null");
        Objects.requireNonNull(clusterName, "clusterName == null");
        Objects.requireNonNull(source, "source == null");
        args = args == null ? List.of() : List.copyOf(args);
        sparkConf = sparkConf == null ? Map.of() : Map.copyOf(sparkConf);
        pyFiles = pyFiles == null ? List.of() : List.copyOf(pyFiles);
        requirements = requirements == null ? List.of() : List.copyOf(requirements);
    }

    /** An app with no extra files and no Python environment. */
    public NewSparkApp(
            String name,
            String team,
            String clusterName,
            String source,
            String mainClass,
            List<String> args,
            Map<String, String> sparkConf,
            String idempotencyKey,
            String requestId) {
        this(
                name,
                team,
                clusterName,
                null,
                source,
                mainClass,
                args,
                sparkConf,
                idempotencyKey,
                requestId,
                List.of(),
                List.of(),
                null);
    }

    public NewSparkApp withSparkConf(Map<String, String> conf) {
        return new NewSparkApp(
                name,
                team,
                clusterName,
                clusterId,
                source,
                mainClass,
                args,
                conf,
                idempotencyKey,
                requestId,
                pyFiles,
                requirements,
                pythonVersion);
    }

    /** The app with its locations as canonicalised ({@code source}, {@code pyFiles}, the file settings). */
    public NewSparkApp withLocations(String source, List<String> pyFiles, Map<String, String> conf) {
        return new NewSparkApp(
                name,
                team,
                clusterName,
                clusterId,
                source,
                mainClass,
                args,
                conf,
                idempotencyKey,
                requestId,
                pyFiles,
                requirements,
                pythonVersion);
    }

    public NewSparkApp onCluster(UUID id) {
        return new NewSparkApp(
                name,
                team,
                clusterName,
                id,
                source,
                mainClass,
                args,
                sparkConf,
                idempotencyKey,
                requestId,
                pyFiles,
                requirements,
                pythonVersion);
    }
}
