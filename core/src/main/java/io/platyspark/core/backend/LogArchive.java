package io.platyspark.core.backend;

import io.platyspark.core.app.SparkApp;
import io.platyspark.core.cluster.Cluster;
import java.util.Optional;

/**
 * Where a cluster leaves its apps' logs so that they outlive it (EMR's log URI in S3; the monitoring prefix of EMR
 * on EKS or EMR Serverless). The logs endpoint serves the copy once it exists, and when the cluster is gone.
 * Implementations throw {@link BackendUnavailableException} when the store cannot be asked: an outage is never
 * "no copy".
 */
public interface LogArchive {

    /** No archive anywhere: logs live only as long as their backend keeps them. */
    LogArchive NONE = new LogArchive() {
        @Override
        public Optional<String> location(Cluster cluster, SparkApp app) {
            return Optional.empty();
        }

        @Override
        public Optional<LogPage> page(Cluster cluster, SparkApp app, int from, int size) {
            return Optional.empty();
        }
    };

    /**
     * The prefix the app's logs are (or will be) copied to, when this archive serves the cluster and the app's id
     * there is known; says nothing about whether a copy exists yet.
     */
    Optional<String> location(Cluster cluster, SparkApp app);

    /**
     * A page of the app's driver log from the copy ({@link LogPage#ARCHIVE}), each line with its stream; empty when
     * no copy exists (yet). A negative {@code from} gives the last {@code size} lines.
     */
    Optional<LogPage> page(Cluster cluster, SparkApp app, int from, int size);

    /** The first archive that answers for the cluster, of several (one per backend family). */
    static LogArchive firstOf(java.util.List<LogArchive> archives) {
        return new LogArchive() {
            @Override
            public Optional<String> location(Cluster cluster, SparkApp app) {
                return archives.stream()
                        .map(a -> a.location(cluster, app))
                        .flatMap(Optional::stream)
                        .findFirst();
            }

            @Override
            public Optional<LogPage> page(Cluster cluster, SparkApp app, int from, int size) {
                for (LogArchive a : archives) {
                    Optional<LogPage> page = a.page(cluster, app, from, size);
                    if (page.isPresent()) {
                        return page;
                    }
                }
                return Optional.empty();
            }
        };
    }
}
