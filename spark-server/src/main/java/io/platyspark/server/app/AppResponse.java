package io.platyspark.server.app;

import io.platyspark.core.SecretRedactor;
import io.platyspark.core.app.SparkApp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An app as the API shows it. {@code resolvedSource} and {@code resolvedPyFiles} are where the backend was given
 * the code (a local file's uploaded {@code s3://} copy for a remote cluster, else the given location), null until
 * the app is submitted.
 */
record AppResponse(
        UUID id,
        String name,
        String team,
        String cluster,
        String source,
        String mainClass,
        List<String> args,
        Map<String, String> sparkConf,
        String state,
        String stateReason,
        int attempts,
        String requestId,
        Backend backend,
        Links links,
        Instant createdAt,
        Instant updatedAt,
        Instant submittedAt,
        Instant startedAt,
        Instant finishedAt,
        List<String> pyFiles,
        List<String> requirements,
        String pythonVersion,
        Env env,
        Map<String, Long> metrics,
        String resolvedSource,
        List<String> resolvedPyFiles) {

    /** The Python environment built for the app's requirements, once requested. */
    record Env(UUID id) {}

    /** Where the app runs: the adapter, its handle, and the cluster manager's id (YARN) when known. */
    record Backend(String name, String id, String applicationId) {}

    /** Where to look: the Spark UI, the driver log, archived logs and this API's own log pages. */
    record Links(String sparkUi, String driverLog, String logArchive, String logs, String dashboard) {}

    static AppResponse of(SparkApp app, String dashboard) {
        // Secrets stay in the store and reach the backend; they never leave through the API.
        return new AppResponse(
                app.id(),
                app.name(),
                app.team(),
                app.clusterName(),
                SecretRedactor.redactLocation(app.source()),
                app.mainClass(),
                SecretRedactor.redactArgs(app.args()),
                SecretRedactor.redact(app.sparkConf()),
                app.state().name(),
                SecretRedactor.redactText(app.stateReason(), app.sparkConf()),
                app.attempts(),
                app.requestId(),
                app.backend() == null ? null : new Backend(app.backend(), app.backendId(), app.backendAppId()),
                new Links(
                        app.links().sparkUiUrl(),
                        app.links().driverLogUrl(),
                        app.links().logUri(),
                        "/api/v1/apps/" + app.id() + "/logs",
                        dashboard),
                app.createdAt(),
                app.updatedAt(),
                app.submittedAt(),
                app.startedAt(),
                app.finishedAt(),
                SecretRedactor.redactValues(app.pyFiles()),
                app.requirements(),
                app.pythonVersion(),
                app.envBuildId() == null ? null : new Env(app.envBuildId()),
                app.metrics(),
                SecretRedactor.redactLocation(app.resolvedSource()),
                SecretRedactor.redactValues(app.resolvedPyFiles()));
    }
}
