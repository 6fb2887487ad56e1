package io.platyspark.backend.aws.emr;

import io.platyspark.aws.s3.S3Logs;
import io.platyspark.core.backend.EventLogDirectory;
import io.platyspark.core.backend.EventLogLocator;
import io.platyspark.core.backend.SparkEventLogConf;
import io.platyspark.core.cluster.Cluster;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Event logs of the EMR clusters the platform creates: each cluster writes to its own prefix in the artifact
 * bucket, {@code s3://<bucket>/<prefix>/event-logs/<cluster id>/} (EMRFS writes {@code s3://} directly), set in its
 * spark-defaults at creation, so the logs outlive the cluster and a History Server can read them.
 */
public class EmrEventLogs implements EventLogLocator {

    private final S3Logs s3;
    private final S3Logs.Location base;
    private final SparkEventLogConf conf;

    /** @param base the event-log root, {@code s3://bucket/prefix/event-logs/} */
    public EmrEventLogs(S3Logs s3, String base, SparkEventLogConf conf) {
        this.s3 = s3;
        this.base = S3Logs.Location.of(base.endsWith("/") ? base : base + "/");
        this.conf = conf;
    }

    /** The event-log root under the artifact bucket and prefix. */
    public static String root(String bucket, String prefix) {
        String p = prefix == null || prefix.isBlank() ? "" : prefix.endsWith("/") ? prefix : prefix + "/";
        return "s3://" + bucket + "/" + p + "event-logs/";
    }

    /** The spark-defaults that send the cluster's event logs to its prefix. */
    public Map<String, String> sparkDefaults(Cluster cluster) {
        return conf.sparkConf(prefixOf(cluster).toString());
    }

    private S3Logs.Location prefixOf(Cluster cluster) {
        return base.resolve(cluster.id() + "/");
    }

    @Override
    public Optional<EventLogDirectory> directory(Cluster cluster) {
        if (!cluster.managed()
                || cluster.externalId() == null
                || !cluster.externalId().startsWith("j-")) {
            return Optional.empty();
        }
        S3Logs.Location dir = prefixOf(cluster);
        return Optional.of(new EventLogDirectory() {
            @Override
            public List<String> list(String prefix) throws IOException {
                try {
                    return s3.list(dir.resolve(prefix)).stream()
                            .map(e -> e.key().substring(dir.key().length()))
                            .toList();
                } catch (SdkException e) {
                    throw new IOException("cannot list " + dir + ": " + e.getMessage(), e);
                }
            }

            @Override
            public InputStream open(String name) throws IOException {
                try {
                    // raw bytes: the event-log codec, not the object's name, says how to decode them
                    return s3.openRaw(dir.resolve(name))
                            .orElseThrow(() -> new IOException(dir.resolve(name) + " is gone"));
                } catch (SdkException e) {
                    throw new IOException("cannot read " + dir.resolve(name) + ": " + e.getMessage(), e);
                }
            }

            @Override
            public String toString() {
                return dir.toString();
            }
        });
    }
}
