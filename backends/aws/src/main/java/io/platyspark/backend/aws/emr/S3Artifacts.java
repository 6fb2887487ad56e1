package io.platyspark.backend.aws.emr;

import io.platyspark.aws.s3.S3ArtifactStore;
import io.platyspark.core.artifact.ArtifactStore;
import io.platyspark.core.artifact.ArtifactStoreException;
import io.platyspark.core.artifact.StoredArtifact;
import io.platyspark.core.backend.BackendUnavailableException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/** The {@link ArtifactStore} in an S3 bucket, for clusters that read their sources from S3. */
public class S3Artifacts implements ArtifactStore {

    private final S3ArtifactStore s3;

    public S3Artifacts(S3ArtifactStore s3) {
        this.s3 = s3;
    }

    @Override
    public Optional<URI> find(String key) {
        return call(() -> s3.find(key));
    }

    @Override
    public StoredArtifact put(String key, Path file) {
        return call(() -> convert(s3.put(key, file)));
    }

    @Override
    public StoredArtifact putContentAddressed(String prefix, Path file, String fileName) {
        return call(() -> convert(s3.putContentAddressed(prefix, file, fileName)));
    }

    @Override
    public boolean delete(String key) {
        return call(() -> s3.delete(key));
    }

    @Override
    public List<Listed> list(String prefix) {
        return call(() -> s3.list(prefix).stream()
                .map(o -> new Listed(o.key(), o.lastModified()))
                .toList());
    }

    /** Clusters read the bucket with their instance role. */
    @Override
    public boolean reachableByClusters() {
        return true;
    }

    @Override
    public InputStream open(URI uri) {
        return call(() -> s3.open(uri));
    }

    private static StoredArtifact convert(S3ArtifactStore.Stored stored) {
        return new StoredArtifact(stored.uri(), stored.key(), stored.size(), stored.sha256(), stored.alreadyPresent());
    }

    /**
     * An outage (no answer, 5xx, throttling) is the platform's {@link BackendUnavailableException}, waited out like
     * any backend's; what S3 refuses (4xx: no such bucket, access denied) is an {@link ArtifactStoreException}.
     */
    private static <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (AwsServiceException e) {
            if (e.statusCode() >= 500 || e.isThrottlingException()) {
                throw new BackendUnavailableException("s3", "S3 is unavailable: " + e.getMessage(), e);
            }
            throw new ArtifactStoreException("S3 refused: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new BackendUnavailableException("s3", "S3 is unavailable: " + e.getMessage(), e);
        }
    }
}
