package io.platyspark.core.app;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A compare-and-set change of an app: from the state the caller saw to {@code next}, with the facts learned on
 * the way. Null fields leave what is stored untouched. {@code next == expected} updates facts (links, ids,
 * metrics) without a state change and writes no event. {@code nextAttemptAt} is when the submission worker may
 * claim the app again (a state change frees the worker's lease, so a waiting state says here when to look again).
 * {@code resolvedSource} and {@code resolvedPyFiles} are the locations the backend was given (see {@link SparkApp}).
 */
public record AppTransition(
        AppState next,
        String reason,
        String backend,
        String backendId,
        String backendAppId,
        AppLinks links,
        UUID envBuildId,
        Map<String, Long> metrics,
        Instant nextAttemptAt,
        String resolvedSource,
        List<String> resolvedPyFiles) {

    public AppTransition {
        Objects.requireNonNull(next, "next == null");
        links = links == null ? AppLinks.NONE : links;
        metrics = metrics == null ? null : Map.copyOf(metrics);
        resolvedPyFiles = resolvedPyFiles == null ? null : List.copyOf(resolvedPyFiles);
    }

    public static AppTransition to(AppState next, String reason) {
        return new AppTransition(next, reason, null, null, null, AppLinks.NONE, null, null, null, null, null);
    }

    public AppTransition withBackend(String backend, String backendId) {
        return new AppTransition(
                next,
                reason,
                backend,
                backendId,
                backendAppId,
                links,
                envBuildId,
                metrics,
                nextAttemptAt,
                resolvedSource,
                resolvedPyFiles);
    }

    public AppTransition withBackendAppId(String backendAppId) {
        return new AppTransition(
                next,
                reason,
                backend,
                backendId,
                backendAppId,
                links,
                envBuildId,
                metrics,
                nextAttemptAt,
                resolvedSource,
                resolvedPyFiles);
    }

    public AppTransition withLinks(AppLinks links) {
        return new AppTransition(
                next,
                reason,
                backend,
                backendId,
                backendAppId,
                links,
                envBuildId,
                metrics,
                nextAttemptAt,
                resolvedSource,
                resolvedPyFiles);
    }

    public AppTransition withEnvBuild(UUID envBuildId) {
        return new AppTransition(
                next,
                reason,
                backend,
                backendId,
                backendAppId,
                links,
                envBuildId,
                metrics,
                nextAttemptAt,
                resolvedSource,
                resolvedPyFiles);
    }

    public AppTransition withMetrics(Map<String, Long> metrics) {
        return new AppTransition(
                next,
                reason,
                backend,
                backendId,
                backendAppId,
                links,
                envBuildId,
                metrics,
                nextAttemptAt,
                resolvedSource,
                resolvedPyFiles);
    }

    public AppTransition withNextAttemptAt(Instant nextAttemptAt) {
        return new AppTransition(
                next,
                reason,
                backend,
                backendId,
                backendAppId,
                links,
                envBuildId,
                metrics,
                nextAttemptAt,
                resolvedSource,
                resolvedPyFiles);
    }

    /** The locations the backend was given for the app's source and py-files (after any upload). */
    public AppTransition withResolvedSources(String resolvedSource, List<String> resolvedPyFiles) {
        return new AppTransition(
                next,
                reason,
                backend,
                backendId,
                backendAppId,
                links,
                envBuildId,
                metrics,
                nextAttemptAt,
                resolvedSource,
                resolvedPyFiles);
    }
}
