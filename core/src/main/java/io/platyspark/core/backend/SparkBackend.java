package io.platyspark.core.backend;

import io.platyspark.core.app.SparkApp;
import io.platyspark.core.cluster.Cluster;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/**
 * Runs Spark apps on one kind of cluster. Implementations throw {@link BackendUnavailableException} when the
 * backend cannot be asked, never an empty answer: an outage must not look like a vanished app.
 */
public interface SparkBackend {

    /** Short technology name recorded with each app ({@code local}, {@code livy}). */
    String name();

    boolean supports(Cluster cluster);

    /**
     * Starts the app. Safe to call again for the same app after a crash or a timeout: an implementation first
     * looks for a run it already started for this app and adopts it.
     *
     * @throws BackendRejectedException when the backend will never accept this app as it is
     */
    BackendSubmission submit(Cluster cluster, SparkApp app);

    /**
     * What the backend knows of these apps, all on one cluster, in as few calls as it can. An app missing from
     * the answer is one the backend does not know (any more).
     */
    Map<UUID, BackendAppStatus> status(Cluster cluster, Collection<SparkApp> apps);

    /**
     * A reader for one cycle over the cluster's apps, asked a page at a time. The default asks {@link #status} for
     * each page; a backend whose status call reads a listing of the whole cluster keeps what it read for the next
     * page.
     */
    default StatusReader statusReader(Cluster cluster) {
        return apps -> status(cluster, apps);
    }

    /** A page of the app's output lines; {@code from} counts lines from the start of what the backend keeps. */
    LogPage logs(Cluster cluster, SparkApp app, int from, int size);

    /** Stops the app; returns normally when it is stopped or was already gone. */
    void kill(Cluster cluster, SparkApp app);

    /**
     * Asks to be told when an app of this backend may have changed, for a backend that sees it happen (the local one
     * runs its apps in this process), so that the watchdog records it at once instead of at its next cycle. Backends
     * that only learn by asking keep the default, which never calls.
     */
    default void onChange(Runnable listener) {}
}
