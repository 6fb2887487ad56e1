package io.platyspark.aws.s3;

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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * App sources, project archives and Python environments in an S3 bucket. Objects are immutable: a key that exists
 * is never written again (HeadObject first), so repeating an upload costs one request. Files above the multipart
 * threshold are streamed in parts, never read into memory.
 */
public final class S3ArtifactStore {

    static final long PART_SIZE = 8L * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final long multipartThreshold;

    public S3ArtifactStore(S3Client s3, String bucket, String prefix) {
        this(s3, bucket, prefix, 16L * 1024 * 1024);
    }

    public S3ArtifactStore(S3Client s3, String bucket, String prefix, long multipartThreshold) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix == null || prefix.isEmpty() ? "" : prefix.endsWith("/") ? prefix : prefix + "/";
        this.multipartThreshold = multipartThreshold;
    }

    /** An object in the bucket. */
    public record Stored(URI uri, String key, long size, String sha256, boolean alreadyPresent) {
    }

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
            if (size > multipartThreshold) {
                multipart(full, file, size);
            } else {
                s3.putObject(r -> r.bucket(bucket).key(full), RequestBody.fromFile(file));
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

    public InputStream open(URI uri) {
        if (!"s3".equals(uri.getScheme()) || !bucket.equals(uri.getHost())) {
            throw new IllegalArgumentException(uri + " is not in bucket " + bucket);
        }
        String key = uri.getPath().substring(1);
        return s3.getObject(r -> r.bucket(bucket).key(key));
    }

    private void multipart(String key, Path file, long size) throws IOException {
        String uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
        try (InputStream in = Files.newInputStream(file)) {
            List<CompletedPart> parts = new ArrayList<>();
            int partNumber = 1;
            for (long offset = 0; offset < size; offset += PART_SIZE, partNumber++) {
                long length = Math.min(PART_SIZE, size - offset);
                int number = partNumber;
                String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                        .contentLength(length), RequestBody.fromInputStream(new Bounded(in, length), length)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
        } catch (RuntimeException | IOException e) {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
            throw e;
        }
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

    /** A view of the next {@code length} bytes of a stream that does not close it. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(buffer, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public void close() {
            // the caller owns the underlying stream
        }
    }
}
