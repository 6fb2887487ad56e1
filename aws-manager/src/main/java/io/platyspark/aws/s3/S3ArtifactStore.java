package io.platyspark.aws.s3;

import io.platyspark.aws.AwsClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * App sources, project archives and Python environments in an S3 bucket. Objects are immutable: a key that exists
 * is never written again (HeadObject first), so repeating an upload costs one request. Uploads go through the SDK's
 * multipart client ({@link AwsClients#s3Uploads}): files above its threshold are sent in parts from the file, never
 * read into memory, and a failed upload is aborted by the SDK.
 */
public final class S3ArtifactStore {

    private final S3Client s3;
    private final S3AsyncClient uploads;
    private final String bucket;
    private final String prefix;

    /**
     * @param s3      reads and look-ups
     * @param uploads a multipart-enabled client for uploads ({@link AwsClients#s3Uploads})
     */
    public S3ArtifactStore(S3Client s3, S3AsyncClient uploads, String bucket, String prefix) {
        this.s3 = s3;
        this.uploads = uploads;
        this.bucket = bucket;
        this.prefix = prefix == null || prefix.isEmpty() ? "" : prefix.endsWith("/") ? prefix : prefix + "/";
    }

    /** An object in the bucket. */
    public record Stored(URI uri, String key, long size, String sha256, boolean alreadyPresent) {}

    public Optional<URI> find(String key) {
        String full = prefix + key;
        try {
            s3.headObject(r -> r.bucket(bucket).key(full));
            return Optional.of(uri(full));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Uploads {@code file} under {@code key} unless an object is there already. */
    public Stored put(String key, Path file) {
        String full = prefix + key;
        try {
            long size = Files.size(file);
            if (find(key).isPresent()) {
                return new Stored(uri(full), full, size, null, true);
            }
            try {
                uploads.putObject(r -> r.bucket(bucket).key(full), AsyncRequestBody.fromFile(file))
                        .join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
            return new Stored(uri(full), full, size, null, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Uploads under {@code <prefix>/<sha256>/<fileName>}: the same bytes are stored once. */
    public Stored putContentAddressed(String keyPrefix, Path file, String fileName) {
        String sha = sha256(file);
        Stored stored = put(keyPrefix + "/" + sha + "/" + fileName, file);
        return new Stored(stored.uri(), stored.key(), stored.size(), sha, stored.alreadyPresent());
    }

    /**
     * Zips a directory deterministically (sorted entries, fixed times, no owners) and stores it content-addressed,
     * so the same tree gives the same key however often it is packed.
     */
    public Stored putDirectory(String keyPrefix, Path dir, String zipName) {
        try {
            Path zip = Files.createTempFile("platy-dir-", ".zip");
            try {
                zipDeterministically(dir, zip);
                return putContentAddressed(keyPrefix, zip, zipName);
            } finally {
                Files.deleteIfExists(zip);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes the object under {@code key}; returns whether there was one. */
    public boolean delete(String key) {
        if (find(key).isEmpty()) {
            return false;
        }
        String full = prefix + key;
        s3.deleteObject(r -> r.bucket(bucket).key(full));
        return true;
    }

    /** An object's key under the store's prefix and when it was written. */
    public record Listed(String key, Instant lastModified) {}

    /** Every object whose key (under the store's prefix) starts with {@code keyPrefix}, in key order, all pages. */
    public List<Listed> list(String keyPrefix) {
        return s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix + keyPrefix)).contents().stream()
                .map(o -> new Listed(o.key().substring(prefix.length()), o.lastModified()))
                .toList();
    }

    public InputStream open(URI uri) {
        if (!"s3".equals(uri.getScheme()) || !bucket.equals(uri.getHost())) {
            throw new IllegalArgumentException(uri + " is not in bucket " + bucket);
        }
        String key = uri.getPath().substring(1);
        return s3.getObject(r -> r.bucket(bucket).key(key));
    }

    static void zipDeterministically(Path dir, Path zip) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(".DS_Store"))
                    .sorted()
                    .toList();
        }
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Path file : files) {
                String name = dir.relativize(file).toString().replace('\\', '/');
                if (name.contains("__pycache__/") || name.endsWith(".pyc")) {
                    continue;
                }
                ZipEntry entry = new ZipEntry(name);
                entry.setTime(315532800000L); // 1980-01-01, the zip epoch
                out.putNextEntry(entry);
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    private URI uri(String key) {
        return URI.create("s3://" + bucket + "/" + key);
    }

    static String sha256(Path file) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
