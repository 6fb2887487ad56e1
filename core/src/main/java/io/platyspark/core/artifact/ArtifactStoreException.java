package io.platyspark.core.artifact;

/** The store could not be read or written (an outage, not a missing object). */
public class ArtifactStoreException extends RuntimeException {

    public ArtifactStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
