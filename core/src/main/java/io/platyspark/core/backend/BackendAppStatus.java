package io.platyspark.core.backend;

import io.platyspark.core.app.AppLinks;
import io.platyspark.core.app.AppState;
import java.util.Objects;

/** One app's state as its backend reports it, mapped onto the platform's states. */
public record BackendAppStatus(AppState state, String reason, String backendAppId, AppLinks links) {

    public BackendAppStatus {
        Objects.requireNonNull(state, "state == null");
        links = links == null ? AppLinks.NONE : links;
    }
}
