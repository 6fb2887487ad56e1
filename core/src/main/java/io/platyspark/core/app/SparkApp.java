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
        Instant finishedAt) {

    public SparkApp {
        args = List.copyOf(args);
        sparkConf = Map.copyOf(sparkConf);
        links = links == null ? AppLinks.NONE : links;
    }

    /** This app as it is once a backend has taken it. */
    public SparkApp withBackend(String backend, String backendId) {
        return new SparkApp(id, name, team, clusterName, clusterId, source, mainClass, args, sparkConf,
                idempotencyKey, requestId, state, stateReason, backend, backendId, backendAppId, links, attempts,
                createdAt, updatedAt, submittedAt, startedAt, finishedAt);
    }

    /** The Livy batch name and similar backend-side names: unique per app and never all digits. */
    public String backendName() {
        return "platy-" + id;
    }
}
