package io.platyspark.core.app;

import java.util.Objects;

/**
 * A compare-and-set change of an app: from the state the caller saw to {@code next}, with the facts learned on
 * the way. Null fields leave what is stored untouched. {@code next == expected} updates facts (links, ids)
 * without a state change and writes no event.
 */
public record AppTransition(AppState next, String reason, String backend, String backendId, String backendAppId,
        AppLinks links) {

    public AppTransition {
        Objects.requireNonNull(next, "next == null");
        links = links == null ? AppLinks.NONE : links;
    }

    public static AppTransition to(AppState next, String reason) {
        return new AppTransition(next, reason, null, null, null, AppLinks.NONE);
    }

    public AppTransition withBackend(String backend, String backendId) {
        return new AppTransition(next, reason, backend, backendId, backendAppId, links);
    }

    public AppTransition withBackendAppId(String backendAppId) {
        return new AppTransition(next, reason, backend, backendId, backendAppId, links);
    }

    public AppTransition withLinks(AppLinks links) {
        return new AppTransition(next, reason, backend, backendId, backendAppId, links);
    }
}
