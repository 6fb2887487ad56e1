package io.platyspark.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.core.artifact.ArtifactStore;
import io.platyspark.core.artifact.ArtifactStoreException;
import io.platyspark.core.artifact.StoredArtifact;
import io.platyspark.core.backend.TargetPlatform;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import io.platyspark.core.testing.TestEnvs;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Environment requests on a real PostgreSQL while the artifact store cannot be reached. */
class EnvironmentServiceStoreDownTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture fixture = new StoreFixture(clock);
    private final JdbcEnvBuildStore builds = new JdbcEnvBuildStore(fixture.jdbc, fixture.tx, new JsonMapper(), clock);
    private final AtomicInteger storeCalls = new AtomicInteger();

    @TempDir
    Path tmp;

    /** An artifact store that is down: every call fails, and is counted. */
    private final ArtifactStore down = new ArtifactStore() {
        private ArtifactStoreException unreachable() {
            storeCalls.incrementAndGet();
            return new ArtifactStoreException("the bucket cannot be reached", null);
        }

        @Override
        public Optional<URI> find(String key) {
            throw unreachable();
        }

        @Override
        public StoredArtifact put(String key, Path file) {
            throw unreachable();
        }

        @Override
        public StoredArtifact putContentAddressed(String prefix, Path file, String fileName) {
            throw unreachable();
        }

        @Override
        public boolean reachableByClusters() {
            return true;
        }

        @Override
        public InputStream open(URI uri) {
            throw unreachable();
        }
    };

    private EnvironmentService service() {
        EnvProperties properties = TestEnvs.properties(tmp.resolve("work"));
        return new EnvironmentService(
                builds, TestEnvs.notBuilding(properties), down, properties, new SimpleMeterRegistry());
    }

    private static EnvSpec spec(String requirement) {
        return new EnvSpec(List.of(requirement), "3.9", TargetPlatform.AARCH64, null, "/usr");
    }

    @Test
    void aBuiltEnvironmentIsServedFromItsRowWithoutTheStore() throws Exception {
        EnvBuild built = builds.getOrCreate(
                        spec("a==1"), "data", EnvBuild.State.READY, "s3://bucket/envs/a/environment.tar.gz")
                .build();

        try (EnvironmentService service = service()) {
            EnvBuild requested = service.request(spec("a==1"), "other-team");

            assertThat(requested.id()).isEqualTo(built.id());
            assertThat(requested.state()).isEqualTo(EnvBuild.State.READY);
        }
        assertThat(storeCalls).as("the store was not asked").hasValue(0);
    }

    @Test
    void anEnvironmentWithNoRowFailsWithTheStoresErrorAndRecordsNothing() throws Exception {
        try (EnvironmentService service = service()) {
            assertThatThrownBy(() -> service.request(spec("b==1"), "data"))
                    .isInstanceOf(ArtifactStoreException.class)
                    .hasMessageContaining("cannot be reached");
        }
        assertThat(storeCalls).hasValue(1);
        assertThat(builds.findLive(spec("b==1").cacheKey())).isEmpty();
    }
}
