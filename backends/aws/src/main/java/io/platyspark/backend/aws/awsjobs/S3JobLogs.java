package io.platyspark.backend.aws.awsjobs;

import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.LogLine;
import io.platyspark.core.backend.LogPage;
import io.platyspark.core.backend.LogStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A job run's driver log as EMR on EKS and EMR Serverless leave it under the run's S3 monitoring prefix:
 * {@code stdout.gz} and {@code stderr.gz}, gzip'd text that AWS uploads while the run goes on and completes when it
 * ends. A page is the driver's stdout lines, then its stderr lines, each marked with its stream, so line offsets
 * stay stable as long as stdout only grows; once the run ended both are final. Kept small and in this package: the
 * platform's shared S3 log reader replaces it when the branches meet.
 */
public final class S3JobLogs {

    private final S3Client s3;
    private final String backend;

    public S3JobLogs(S3Client s3, String backend) {
        this.s3 = s3;
        this.backend = backend;
    }

    /**
     * @param prefix   the run's prefix, {@code s3://bucket/key/}
     * @param isDriver picks the driver's files among the keys under it (EKS: {@code …-driver/stdout.gz}; Serverless:
     *                 {@code SPARK_DRIVER/stdout.gz})
     */
    public LogPage page(String prefix, Predicate<String> isDriver, int from, int size) {
        String rest = prefix.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String keyPrefix = slash < 0 ? "" : rest.substring(slash + 1);
        List<String> keys;
        try {
            keys = s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(keyPrefix)).contents().stream()
                    .map(S3Object::key)
                    .filter(isDriver)
                    .toList();
        } catch (SdkException e) {
            throw new BackendUnavailableException(
                    backend, "cannot list the logs under " + prefix + ": " + e.getMessage(), e);
        }
        List<LogLine> lines = new ArrayList<>();
        find(keys, "stdout.gz").ifPresent(k -> read(bucket, k, LogStream.STDOUT, lines));
        find(keys, "stderr.gz").ifPresent(k -> read(bucket, k, LogStream.STDERR, lines));
        int start = from < 0 ? Math.max(0, lines.size() - size) : Math.min(from, lines.size());
        int end = Math.min(lines.size(), start + size);
        return new LogPage(start, lines.size(), lines.subList(start, end));
    }

    private static Optional<String> find(List<String> keys, String file) {
        return keys.stream().filter(k -> k.endsWith("/" + file)).sorted().findFirst();
    }

    private void read(String bucket, String key, LogStream stream, List<LogLine> into) {
        try (var in = s3.getObject(r -> r.bucket(bucket).key(key));
                var reader =
                        new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                into.add(new LogLine(stream, line));
            }
        } catch (IOException | SdkException e) {
            throw new BackendUnavailableException(
                    backend, "cannot read log s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }
}
