package io.platyspark.backend.aws.emr;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.platyspark.aws.AwsClients;
import io.platyspark.aws.moto.FaultProxy;
import io.platyspark.aws.moto.MotoServer;
import io.platyspark.aws.s3.S3ArtifactStore;
import io.platyspark.core.artifact.ArtifactStoreException;
import io.platyspark.core.backend.BackendUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** S3 outages are the platform's outage exception; what S3 refuses is not. */
class S3ArtifactsMotoTest {

    private final MotoServer moto = MotoServer.get();

    @Test
    void anOutageIsBackendUnavailableAndARefusalIsAnArtifactStoreError() throws Exception {
        Path file = Files.writeString(Files.createTempFile("platy", ".py"), "print(1)\n");
        try (FaultProxy proxy = new FaultProxy(moto.endpoint())) {
            proxy.down(true);
            AwsClients clients = new AwsClients("us-east-1", proxy.endpoint(), Duration.ofSeconds(5));
            S3Artifacts down =
                    new S3Artifacts(new S3ArtifactStore(clients.s3(), clients.s3Uploads(), "any-bucket", "platy"));

            assertThatThrownBy(() -> down.put("uploads/a.py", file)).isInstanceOf(BackendUnavailableException.class);
            assertThatThrownBy(() -> down.find("uploads/a.py")).isInstanceOf(BackendUnavailableException.class);
            assertThatThrownBy(() -> down.list("envs/")).isInstanceOf(BackendUnavailableException.class);
        }
        S3Artifacts noBucket = new S3Artifacts(
                new S3ArtifactStore(moto.clients().s3(), moto.clients().s3Uploads(), "no-such-bucket-here", "platy"));
        assertThatThrownBy(() -> noBucket.put("uploads/a.py", file))
                .isInstanceOf(ArtifactStoreException.class)
                .hasMessageContaining("S3 refused");
        assertThatThrownBy(() -> noBucket.list("envs/"))
                .as("a missing bucket is a refusal, not an empty listing")
                .isInstanceOf(ArtifactStoreException.class);
    }
}
