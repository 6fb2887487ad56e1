package io.platyspark.client;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The API's shapes, as the SDK reads and sends them (unknown fields are ignored, so newer servers are fine). */
public final class Model {

    private Model() {}

    /** An app's state. A state this SDK does not know yet (a newer server's) reads as {@link #UNKNOWN}. */
    public enum AppState {
        PENDING,
        QUEUED,
        WAITING_FOR_CLUSTER,
        BUILDING_ENV,
        SUBMITTED,
        RUNNING,
        SUCCEEDED,
        FAILED,
        KILLED,
        LOST,
        @JsonEnumDefaultValue
        UNKNOWN;

        /** Ended for good: the state never changes again. */
        public boolean isFinal() {
            return this == SUCCEEDED || this == FAILED || this == KILLED || this == LOST;
        }
    }

    /** An app as the server reports it. */
    public record App(
            String id,
            String name,
            String team,
            String cluster,
            String source,
            AppState state,
            String stateReason,
            int attempts,
            String requestId,
            Backend backend,
            Links links,
            Instant createdAt,
            Instant submittedAt,
            Instant startedAt,
            Instant finishedAt,
            Map<String, Long> metrics) {

        public boolean finished() {
            return state != null && state.isFinal();
        }
    }

    /** Where it runs. */
    public record Backend(String name, String id, String applicationId) {}

    /** Where to look. */
    public record Links(String sparkUi, String driverLog, String logArchive, String logs, String dashboard) {}

    /** A page of apps; pass {@code nextCursor} back for the next one. */
    public record AppPage(List<App> items, String nextCursor) {}

    /** A log line and its stream ({@code stdout}, {@code stderr}, {@code diagnostics}). */
    public record LogLine(String stream, String text) {}

    /** A page of log lines; continue at {@code nextFrom} while it is below {@code total}. */
    public record LogPage(String appId, int from, int total, int nextFrom, List<LogLine> lines) {}

    /** A state change of an app. */
    public record Event(Instant at, String from, String to, String reason, String requestId) {}

    /** A cluster. */
    public record Cluster(
            String id,
            String name,
            String kind,
            String team,
            String state,
            String stateReason,
            String externalId,
            String masterDns,
            String livyUrl,
            boolean managed,
            Long idleTimeoutSeconds,
            Instant createdAt) {}

    /** An uploaded artifact. */
    public record Artifact(String uri, String key, long size, String sha256, boolean alreadyPresent) {}

    /** An API token (its value only right after creation). */
    public record Token(
            String id,
            String name,
            String team,
            boolean admin,
            Instant createdAt,
            Instant expiresAt,
            Instant revokedAt,
            String token) {}

    /** What to run. */
    public record SubmitRequest(
            String name,
            String team,
            String cluster,
            String source,
            String mainClass,
            List<String> args,
            Map<String, String> sparkConf,
            List<String> pyFiles,
            List<String> requirements,
            String pythonVersion,
            Map<String, Object> clusterConfig) {}
}
