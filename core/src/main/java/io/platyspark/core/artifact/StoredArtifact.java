package io.platyspark.core.artifact;

import java.net.URI;
import java.util.Objects;

/**
 * An object in the {@link ArtifactStore}.
 *
 * @param alreadyPresent true when nothing was written because the key already held an object
 */
public record StoredArtifact(URI uri, String key, long size, String sha256, boolean alreadyPresent) {

    public StoredArtifact {
        Objects.requireNonNull(uri, "uri == null");
        Objects.requireNonNull(key, "key == null");
    }
}
