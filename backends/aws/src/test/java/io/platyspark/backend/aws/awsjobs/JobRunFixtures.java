package io.platyspark.backend.aws.awsjobs;

import io.platyspark.core.app.AppLinks;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/** Apps and clusters for the EMR on EKS and Serverless backend tests, as the store would hand them over. */
public final class JobRunFixtures {

    public static final String ROLE = "arn:aws:iam::123456789012:role/data-spark";

    private JobRunFixtures() {}

    public static SparkApp app(
            String team, String source, List<String> args, Map<String, String> conf, List<String> pyFiles) {
        return app(team, source, args, conf, pyFiles, Instant.now());
    }

    /** An app accepted at {@code now}. */
    public static SparkApp app(
            String team,
            String source,
            List<String> args,
            Map<String, String> conf,
            List<String> pyFiles,
            Instant now) {
        return new SparkApp(
                UUID.randomUUID(),
                "etl",
                team,
                "c",
                null,
                source,
                null,
                args,
                conf,
                null,
                "req",
                AppState.PENDING,
                null,
                null,
                null,
                null,
                AppLinks.NONE,
                0,
                now,
                now,
                null,
                null,
                null,
                pyFiles,
                List.of(),
                null,
                null,
                null,
                null,
                null,
                null);
    }

    public static SparkApp submitted(SparkApp app, String backend, String runId) {
        return app.withBackend(backend, runId);
    }

    public static Cluster cluster(ClusterKind kind, String config, String externalId) {
        Instant now = Instant.now();
        return new Cluster(
                UUID.randomUUID(),
                "c-" + UUID.randomUUID().toString().substring(0, 8),
                kind,
                "data",
                config,
                externalId,
                null,
                null,
                ClusterState.WAITING,
                null,
                now,
                now,
                null,
                null);
    }

    public static JobRunPolicy policy(String logUri) {
        return new JobRunPolicy(
                "emr-7.5.0-latest", List.of(), Map.of("data", List.of(ROLE)), null, logUri, java.util.Set.of());
    }

    public static byte[] gzip(String text) {
        var bytes = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
