package io.platyspark.core.backend;

import io.platyspark.core.app.SparkApp;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * Reads the states of one cluster's apps page by page, for one reconcile cycle. A backend that learns states by
 * reading a listing of everything the cluster holds reads it once for all the pages of a cycle, instead of once a
 * page; throw the reader away at the end of the cycle, since what it has read grows stale.
 */
@FunctionalInterface
public interface StatusReader {

    /** As {@link SparkBackend#status}: an app missing from the answer is one the backend does not know. */
    Map<UUID, BackendAppStatus> status(Collection<SparkApp> apps);
}
