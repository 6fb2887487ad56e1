package io.platyspark.core.submit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.aws.moto.MotoServer;
import io.platyspark.aws.s3.S3ArtifactStore;
import io.platyspark.backend.aws.emr.S3Artifacts;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.NewSparkApp;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.artifact.ArtifactStore;
import io.platyspark.core.artifact.LocalArtifactStore;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.testing.FakeSparkBackend;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app records where its backend was given the code: the uploaded copy when a local file was shipped for a
 * remote cluster, the given location when nothing was shipped, nothing before it was submitted.
 */
class ResolvedSourcesTest {

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);
    private final FakeSparkBackend backend = new FakeSparkBackend();
    private final AtomicReference<SparkApp> given = new AtomicReference<>();
    private final SubmissionProperties properties = new SubmissionProperties(
            true,
            1,
            10,
            Duration.ofSeconds(1),
            Duration.ofSeconds(15),
            3,
            Duration.ofSeconds(10),
            Duration.ofMinutes(1),
            Duration.ofSeconds(15));

    @TempDir
    Path dir;

    private SubmissionWorker worker(ArtifactStore artifacts) {
        backend.onSubmit(app -> {
            given.set(app);
            return new io.platyspark.core.backend.BackendSubmission("run-1", null, null, false);
        });
        return new SubmissionWorker(
                store.apps,
                store.clusters,
                new SparkBackends(List.of(backend)),
                properties,
                clock,
                new SimpleMeterRegistry(),
                new SourceStager(artifacts),
                io.platyspark.core.env.Environments.none(),
                new io.platyspark.core.env.EnvSparkConf(),
                io.platyspark.core.env.PythonTargets.unknown());
    }

    private SparkApp app(String source, List<String> pyFiles) {
        Cluster cluster = store.cluster("etl", ClusterState.WAITING);
        return store.apps
                .create(
                        new NewSparkApp(
                                "daily",
                                "data",
                                "etl",
                                cluster.id(),
                                source,
                                null,
                                List.of(),
                                Map.of(),
                                null,
                                "req-daily",
                                pyFiles,
                                List.of(),
                                null),
                        "hash")
                .app();
    }

    @Test
    void withTheLocalStoreNothingIsShippedAndTheGivenLocationsAreRecorded() throws Exception {
        Path job = Files.writeString(dir.resolve("job.py"), "print(1)\n");
        Path helper = Files.writeString(dir.resolve("helper.py"), "X = 1\n");
        SparkApp app = app(job.toString(), List.of(helper.toString(), "s3://bucket/lib.zip"));
        assertThat(app.resolvedSource()).as("not submitted yet").isNull();
        assertThat(app.resolvedPyFiles()).isNull();

        worker(new LocalArtifactStore(dir.resolve("store"))).runOnce();

        SparkApp after = store.apps.find(app.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(AppState.SUBMITTED);
        assertThat(after.resolvedSource())
                .isEqualTo(job.toString())
                .isEqualTo(given.get().source());
        assertThat(after.resolvedPyFiles())
                .containsExactly(helper.toString(), "s3://bucket/lib.zip")
                .isEqualTo(given.get().pyFiles());
        assertThat(after.source()).as("what was asked for is kept").isEqualTo(job.toString());
    }

    @Test
    void aLocalSourceShippedToS3IsRecordedByItsS3Uri() throws Exception {
        MotoServer moto = MotoServer.get();
        String bucket = "platy-resolved-" + UUID.randomUUID().toString().substring(0, 8);
        moto.clients().s3().createBucket(r -> r.bucket(bucket));
        S3Artifacts s3 = new S3Artifacts(
                new S3ArtifactStore(moto.clients().s3(), moto.clients().s3Uploads(), bucket, "platy"));
        Path job = Files.writeString(dir.resolve("etl.py"), "print('etl')\n");
        Path helper = Files.writeString(dir.resolve("helper.py"), "X = 1\n");
        SparkApp app = app(job.toString(), List.of("file:" + helper, "s3://" + bucket + "/libs/lib.zip"));

        worker(s3).runOnce();

        SparkApp after = store.apps.find(app.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(AppState.SUBMITTED);
        assertThat(after.resolvedSource())
                .as("what the backend was given")
                .isEqualTo(given.get().source())
                .startsWith("s3://" + bucket + "/platy/uploads/data/")
                .endsWith("/etl.py");
        assertThat(after.resolvedPyFiles()).isEqualTo(given.get().pyFiles());
        assertThat(after.resolvedPyFiles().get(0))
                .startsWith("s3://" + bucket + "/platy/uploads/data/")
                .endsWith("/helper.py");
        assertThat(after.resolvedPyFiles().get(1))
                .as("already remote: as given")
                .isEqualTo("s3://" + bucket + "/libs/lib.zip");
        String key = after.resolvedSource().substring(("s3://" + bucket + "/").length());
        assertThat(moto.clients()
                        .s3()
                        .getObjectAsBytes(r -> r.bucket(bucket).key(key))
                        .asUtf8String())
                .isEqualTo("print('etl')\n");
        assertThat(after.source()).isEqualTo(job.toString());
    }
}
