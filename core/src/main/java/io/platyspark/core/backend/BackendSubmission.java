package io.platyspark.core.backend;

import io.platyspark.core.app.AppLinks;
import java.util.Objects;

/**
 * What the backend said when it took an app.
 *
 * @param backendId    the backend's handle for the run
 * @param adopted      true when an earlier submission of the same app was found and adopted
 */
public record BackendSubmission(String backendId, String backendAppId, AppLinks links, boolean adopted) {

    public BackendSubmission {
        Objects.requireNonNull(backendId, "backendId == null");
        links = links == null ? AppLinks.NONE : links;
    }
}
