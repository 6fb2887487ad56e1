package io.platyspark.backend.aws.emr;

import io.platyspark.aws.s3.S3Logs;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.LinePager;
import io.platyspark.core.backend.LogArchive;
import io.platyspark.core.backend.LogPage;
import io.platyspark.core.backend.LogStream;
import io.platyspark.core.cluster.Cluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The YARN container logs EMR copies to the cluster's log URI: {@code <log-uri>/<cluster id>/containers/
 * <application id>/<container id>/{stdout,stderr}.gz}, pushed every few minutes while the cluster runs and at its
 * end. The driver of a cluster-mode app (Livy's way) runs in the application master's container, the first of its
 * last attempt ({@code container_[e<epoch>_]<ts>_<app>_<attempt>_000001}). Its stdout lines come first, then its
 * stderr lines: the copy keeps each stream's order, not how the two interleaved.
 */
public class EmrLogArchive implements LogArchive {

    private static final Pattern AM_CONTAINER = Pattern.compile("container_(?:e\\d+_)?\\d+_\\d+_(\\d+)_0*1");

    private final S3Logs s3;
    private final String logUri;

    /** @param logUri the log URI of the clusters the platform creates ({@code platy.aws.log-uri}) */
    public EmrLogArchive(S3Logs s3, String logUri) {
        this.s3 = s3;
        this.logUri = logUri == null || logUri.isBlank() ? null : logUri.endsWith("/") ? logUri : logUri + "/";
    }

    @Override
    public Optional<String> location(Cluster cluster, SparkApp app) {
        return prefix(cluster, app).map(S3Logs.Location::toString);
    }

    private Optional<S3Logs.Location> prefix(Cluster cluster, SparkApp app) {
        if (logUri == null
                || !cluster.managed()
                || cluster.externalId() == null
                || !cluster.externalId().startsWith("j-")
                || app.backendAppId() == null
                || !app.backendAppId().startsWith("application_")) {
            return Optional.empty();
        }
        return Optional.of(
                S3Logs.Location.of(logUri).resolve(cluster.externalId() + "/containers/" + app.backendAppId() + "/"));
    }

    @Override
    public Optional<LogPage> page(Cluster cluster, SparkApp app, int from, int size) {
        Optional<S3Logs.Location> prefix = prefix(cluster, app);
        if (prefix.isEmpty()) {
            return Optional.empty();
        }
        return call(() -> {
            String driver = null;
            long attempt = -1;
            for (S3Logs.Entry entry : s3.list(prefix.get())) {
                String rest = entry.key().substring(prefix.get().key().length());
                int slash = rest.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                Matcher m = AM_CONTAINER.matcher(rest.substring(0, slash));
                if (m.matches() && Long.parseLong(m.group(1)) > attempt) {
                    attempt = Long.parseLong(m.group(1));
                    driver = rest.substring(0, slash);
                }
            }
            if (driver == null) {
                return Optional.empty();
            }
            S3Logs.Location container = prefix.get().resolve(driver + "/");
            LinePager pager = new LinePager(from, size);
            try {
                read(pager, LogStream.STDOUT, container, "stdout");
                read(pager, LogStream.STDERR, container, "stderr");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Optional.of(pager.page(LogPage.ARCHIVE));
        });
    }

    private void read(LinePager pager, LogStream stream, S3Logs.Location container, String name) throws IOException {
        Optional<BufferedReader> lines =
                s3.lines(container.resolve(name + ".gz")).or(() -> s3.lines(container.resolve(name)));
        if (lines.isPresent()) {
            pager.add(stream, lines.get());
        }
    }

    /** Anything but an answer is an outage: the copy may well exist, and "gone" would be a lie. */
    private static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (SdkException | UncheckedIOException e) {
            throw new BackendUnavailableException("s3", "cannot read the archived logs in S3: " + e.getMessage(), e);
        }
    }
}
