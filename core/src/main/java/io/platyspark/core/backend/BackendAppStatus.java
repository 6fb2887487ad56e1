package io.platyspark.core.backend;

import io.platyspark.core.app.AppLinks;
import io.platyspark.core.app.AppState;
import java.util.Map;
import java.util.Objects;

/**
 * One app's state as its backend reports it, mapped onto the platform's states.
 *
 * @param metrics the app's Spark metrics when the backend has them (null otherwise)
 */
public record BackendAppStatus(
        AppState state, String reason, String backendAppId, AppLinks links, Map<String, Long> metrics) {

    public BackendAppStatus {
        Objects.requireNonNull(state, "state == null");
        links = links == null ? AppLinks.NONE : links;
        metrics = metrics == null ? null : Map.copyOf(metrics);
    }

    public BackendAppStatus(AppState state, String reason, String backendAppId, AppLinks links) {
        this(state, reason, backendAppId, links, null);
    }
}
