package io.platyspark.core.artifact;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where app sources, project archives and Python environments are kept so a cluster can read them: a local
 * directory in the embedded mode, an S3 bucket with EMR. Objects are immutable once written; writing a key that
 * exists is skipped, which makes every upload safe to repeat.
 */
public interface ArtifactStore {

    /** The URI of the object stored under {@code key}, if there is one. */
    Optional<URI> find(String key);

    /** Stores {@code file} under {@code key} unless an object is already there. */
    StoredArtifact put(String key, Path file);

    /**
     * Stores {@code file} under a key derived from its content ({@code <prefix>/<sha256>/<fileName>}), so the same
     * bytes are uploaded once however often they are sent.
     */
    StoredArtifact putContentAddressed(String prefix, Path file, String fileName);

    /**
     * Whether a remote cluster can read what this store holds. A local directory cannot be read from a cluster,
     * so local sources are not copied into it for one.
     */
    boolean reachableByClusters();

    /**
     * Deletes the object stored under {@code key}; returns whether there was one. Only the cleaner deletes, and only
     * what no live record points at any more.
     */
    default boolean delete(String key) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot delete artifacts");
    }

    /**
     * Every object whose key starts with {@code prefix}, with when it was written, in key order. Only the cleaner
     * lists (to find what no record points at).
     */
    default List<Listed> list(String prefix) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list artifacts");
    }

    /** A stored object's key (as {@link #put} was given it) and when it was written. */
    record Listed(String key, Instant lastModified) {}

    /** Reads a stored object back (for tests and for backends that copy artifacts themselves). */
    InputStream open(URI uri);
}
