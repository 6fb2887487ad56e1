package io.platyspark.aws.s3;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Reads logs that clusters left in S3 (EMR's {@code <log-uri>/<cluster>/containers/...}, monitoring prefixes of EMR
 * on EKS and EMR Serverless): lists a prefix, and streams an object's lines, gunzipping {@code .gz} objects on the
 * fly, so a log of any size is read in fixed memory. SDK exceptions pass through: the caller tells an outage from a
 * refusal.
 */
public final class S3Logs {

    private final S3Client s3;

    public S3Logs(S3Client s3) {
        this.s3 = Objects.requireNonNull(s3, "s3 == null");
    }

    /** A bucket and key (or key prefix) named by an {@code s3://bucket/key} URI. */
    public record Location(String bucket, String key) {

        public static Location of(String uri) {
            URI u = URI.create(uri);
            if (!"s3".equals(u.getScheme()) && !"s3a".equals(u.getScheme()) && !"s3n".equals(u.getScheme())) {
                throw new IllegalArgumentException("not an s3:// location: " + uri);
            }
            String path = u.getPath() == null ? "" : u.getPath();
            return new Location(u.getHost(), path.startsWith("/") ? path.substring(1) : path);
        }

        /** This location with {@code child} appended as a path segment. */
        public Location resolve(String child) {
            return new Location(bucket, key.isEmpty() || key.endsWith("/") ? key + child : key + "/" + child);
        }

        @Override
        public String toString() {
            return "s3://" + bucket + "/" + key;
        }
    }

    /** An object under a listed prefix. */
    public record Entry(String key, long size) {}

    /** Every object whose key starts with {@code prefix}, in key order (all pages). */
    public List<Entry> list(Location prefix) {
        List<Entry> entries = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(
                        r -> r.bucket(prefix.bucket()).prefix(prefix.key()))
                .contents()) {
            entries.add(new Entry(o.key(), o.size() == null ? 0 : o.size()));
        }
        return entries;
    }

    /** The object's bytes as stored; empty when there is no such object. */
    public Optional<InputStream> openRaw(Location object) {
        try {
            return Optional.of(s3.getObject(r -> r.bucket(object.bucket()).key(object.key())));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        }
    }

    /** The object's bytes, gunzipped when its key ends in {@code .gz}; empty when there is no such object. */
    public Optional<InputStream> open(Location object) {
        Optional<InputStream> stored = openRaw(object);
        if (stored.isEmpty()) {
            return stored;
        }
        InputStream raw = stored.get();
        if (!object.key().endsWith(".gz")) {
            return Optional.of(raw);
        }
        try {
            return Optional.of(new GZIPInputStream(raw, 64 * 1024));
        } catch (IOException e) {
            closeQuietly(raw);
            throw new UncheckedIOException("cannot gunzip " + object + ": " + e.getMessage(), e);
        }
    }

    /** A reader of the object's lines (UTF-8), gunzipped as {@link #open} does; empty when there is none. */
    public Optional<BufferedReader> lines(Location object) {
        return open(object).map(in -> new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024));
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was read from it
        }
    }
}
