package io.platyspark.core.artifact;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An {@link ArtifactStore} in a local directory, for the embedded mode where Spark runs on the server's machine.
 * Writes go to a temporary file first and are moved into place, so a reader never sees half an object.
 */
public final class LocalArtifactStore implements ArtifactStore {

    private static final Pattern SAFE_KEY =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9._=+-]*(/[A-Za-z0-9][A-Za-z0-9._=+-]*)*");

    private final Path root;

    public LocalArtifactStore(Path root) {
        this.root =
                Objects.requireNonNull(root, "root == null").toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    @Override
    public Optional<URI> find(String key) {
        Path target = resolve(key);
        return Files.isRegularFile(target) ? Optional.of(target.toUri()) : Optional.empty();
    }

    @Override
    public StoredArtifact put(String key, Path file) {
        Path target = resolve(key);
        try {
            if (Files.isRegularFile(target)) {
                return new StoredArtifact(target.toUri(), key, Files.size(target), null, true);
            }
            Files.createDirectories(target.getParent());
            Path temp = Files.createTempFile(target.getParent(), ".upload-", ".part");
            String sha256;
            try {
                sha256 = copyHashing(file, temp);
                moveIntoPlace(temp, target);
            } finally {
                Files.deleteIfExists(temp);
            }
            return new StoredArtifact(target.toUri(), key, Files.size(target), sha256, false);
        } catch (IOException e) {
            throw new ArtifactStoreException("could not store " + key + " in " + root + ": " + e.getMessage(), e);
        }
    }

    @Override
    public StoredArtifact putContentAddressed(String prefix, Path file, String fileName) {
        String sha256 = sha256(file);
        String key = prefix + "/" + sha256 + "/" + fileName;
        StoredArtifact stored = put(key, file);
        return new StoredArtifact(stored.uri(), key, stored.size(), sha256, stored.alreadyPresent());
    }

    /** A directory on the server's disk: only the local backend reads it. */
    @Override
    public boolean delete(String key) {
        try {
            return Files.deleteIfExists(resolve(key));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<Listed> list(String prefix) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                    .map(file -> root.relativize(file).toString().replace(java.io.File.separatorChar, '/'))
                    // a temporary file of a write in progress is not an object yet
                    .filter(key ->
                            key.startsWith(prefix) && SAFE_KEY.matcher(key).matches())
                    .sorted()
                    .map(key -> new Listed(key, modified(resolve(key))))
                    .filter(listed -> listed.lastModified() != null)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** When the file was written; null when it went meanwhile. */
    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean reachableByClusters() {
        return false;
    }

    @Override
    public InputStream open(URI uri) {
        Path path = Path.of(uri).toAbsolutePath().normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException(uri + " is not in this store (" + root + ")");
        }
        try {
            return Files.newInputStream(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path resolve(String key) {
        if (key == null || !SAFE_KEY.matcher(key).matches() || key.contains("..")) {
            throw new IllegalArgumentException("not a safe artifact key: " + key);
        }
        return root.resolve(key);
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // A concurrent writer of the same key won; objects are immutable, so theirs is ours.
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String copyHashing(Path from, Path to) throws IOException {
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(from), digest)) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The hex SHA-256 of a file's content, streamed. */
    public static String sha256(Path file) {
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
