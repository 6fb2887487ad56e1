package io.platyspark.core.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.aws.moto.MotoServer;
import io.platyspark.aws.s3.S3ArtifactStore;
import io.platyspark.backend.aws.emr.S3Artifacts;
import io.platyspark.core.artifact.ArtifactStore;
import io.platyspark.core.artifact.LocalArtifactStore;
import io.platyspark.core.backend.TargetPlatform;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** Real builds: a real venv, real pip against PyPI, venv-pack, a real PostgreSQL, S3 through moto. */
class EnvironmentServiceTest {

    static final String PYTHON = System.getProperty("platy.test.python", "python3");

    @TempDir
    Path dir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private EnvironmentService service;

    private EnvironmentService service(ArtifactStore artifacts) {
        return service(artifacts, TestDatabase.newMigratedDataSource());
    }

    private EnvironmentService service(ArtifactStore artifacts, DataSource db) {
        EnvProperties properties = new EnvProperties(
                true,
                PYTHON,
                Map.of(),
                null,
                dir.resolve("work"),
                Duration.ofMinutes(10),
                2,
                org.springframework.util.unit.DataSize.ofKilobytes(64),
                null,
                null);
        service = new EnvironmentService(
                builds(db, Clock.systemUTC()), new PythonEnvBuilder(properties), artifacts, properties, meters);
        return service;
    }

    /** The build store on {@code db}, with its transactions. */
    private static JdbcEnvBuildStore builds(DataSource db, Clock clock) {
        return new JdbcEnvBuildStore(
                JdbcClient.create(db),
                new org.springframework.transaction.support.TransactionTemplate(
                        new org.springframework.jdbc.datasource.DataSourceTransactionManager(db)),
                new JsonMapper(),
                clock);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
    }

    private EnvBuild awaitFinished(EnvironmentService envs, UUID id) {
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> envs.get(id).orElseThrow().state().finished());
        return envs.get(id).orElseThrow();
    }

    private static List<String> entries(InputStream archive, Path scratch) throws Exception {
        Path file = Files.createTempFile(scratch, "env", ".tar.gz");
        Files.copy(archive, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Process tar = new ProcessBuilder("tar", "-tzf", file.toString()).start();
        List<String> names =
                new String(tar.getInputStream().readAllBytes()).lines().toList();
        assertThat(tar.waitFor()).isZero();
        return names;
    }

    @Test
    void aPurePythonEnvironmentIsBuiltOnceAndServedFromTheCacheAfterwards() throws Exception {
        LocalArtifactStore store = new LocalArtifactStore(dir.resolve("store"));
        EnvironmentService envs = service(store);
        EnvSpec spec = envs.spec(List.of("tabulate==0.9.0"), null, null);

        EnvBuild first = envs.request(spec, "data");
        EnvBuild whileBuilding = envs.request(
                new EnvSpec(List.of("Tabulate == 0.9.0"), spec.pythonVersion(), spec.platform(), null), "data");
        EnvBuild ready = awaitFinished(envs, first.id());

        assertThat(whileBuilding.id()).as("deduplicated while in progress").isEqualTo(first.id());
        assertThat(ready.state()).as(ready.error() + "\n" + ready.log()).isEqualTo(EnvBuild.State.READY);
        assertThat(ready.sizeBytes()).isPositive();
        assertThat(ready.durationMs()).isPositive();
        assertThat(ready.log()).contains("Successfully installed tabulate-0.9.0");
        try (InputStream archive = store.open(URI.create(ready.uri()))) {
            assertThat(entries(archive, dir))
                    .anyMatch(e -> e.endsWith("site-packages/tabulate/__init__.py"))
                    .anyMatch(e -> e.endsWith("bin/python"));
        }
        assertThat(envs.request(spec, "data").id()).isEqualTo(first.id());

        service.close();
        EnvironmentService elsewhere = service(store); // another process, its own database
        EnvBuild fromCache = elsewhere.request(spec, "data");
        assertThat(fromCache.state()).isEqualTo(EnvBuild.State.READY);
        assertThat(fromCache.uri()).isEqualTo(ready.uri());
        assertThat(meters.counter("platy.envs.cache.hits").count()).isEqualTo(1);
        assertThat(meters.counter("platy.envs.builds", "outcome", "ready").count())
                .isEqualTo(1);
    }

    @Test
    void binaryWheelsForThisAndForAnotherArchitectureLandInS3() throws Exception {
        MotoServer moto = MotoServer.get();
        String bucket = "envs-" + UUID.randomUUID().toString().substring(0, 8);
        var s3 = moto.clients().s3();
        s3.createBucket(r -> r.bucket(bucket));
        S3Artifacts store =
                new S3Artifacts(new S3ArtifactStore(s3, moto.clients().s3Uploads(), bucket, "platy"));
        EnvironmentService envs = service(store);
        EnvSpec here = envs.spec(List.of("numpy==2.1.3"), null, TargetPlatform.X86_64);
        EnvSpec graviton = envs.spec(List.of("numpy==2.1.3"), null, TargetPlatform.AARCH64);

        EnvBuild x86 = awaitFinished(envs, envs.request(here, "data").id());
        EnvBuild arm = awaitFinished(envs, envs.request(graviton, "data").id());

        assertThat(x86.state()).as(x86.error() + "\n" + x86.log()).isEqualTo(EnvBuild.State.READY);
        assertThat(arm.state()).as(arm.error() + "\n" + arm.log()).isEqualTo(EnvBuild.State.READY);
        assertThat(x86.uri()).startsWith("s3://" + bucket + "/platy/envs/");
        assertThat(elfMachine(store, arm, "_multiarray_umath"))
                .as("aarch64 wheels")
                .isEqualTo(183);
        assertThat(elfMachine(store, x86, "_multiarray_umath"))
                .as("x86_64 wheels")
                .isEqualTo(62);
    }

    @Test
    void anUnresolvableRequirementFailsWithPipsReason() {
        EnvironmentService envs = service(new LocalArtifactStore(dir.resolve("store")));

        EnvBuild failed = awaitFinished(
                envs,
                envs.request(envs.spec(List.of("platy-no-such-package-xyz==1.0"), null, null), "data")
                        .id());

        assertThat(failed.state()).isEqualTo(EnvBuild.State.FAILED);
        assertThat(failed.error()).contains("pip could not find platy-no-such-package-xyz==1.0");
        assertThat(failed.log()).contains("No matching distribution found for platy-no-such-package-xyz==1.0");
        assertThat(envs.request(envs.spec(List.of("platy-no-such-package-xyz==1.0"), null, null), "data")
                        .id())
                .as("a failed build does not block a retry")
                .isNotEqualTo(failed.id());
    }

    /** The ELF e_machine of the first shared object whose name contains {@code part} in the archive. */
    private int elfMachine(ArtifactStore store, EnvBuild build, String part) throws Exception {
        Path archive = dir.resolve(build.id() + ".tar.gz");
        try (InputStream in = store.open(URI.create(build.uri()))) {
            Files.copy(in, archive);
        }
        Path out = Files.createDirectories(dir.resolve(build.id().toString()));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", out.toString()).start();
        assertThat(tar.waitFor()).isZero();
        try (var files = Files.walk(out)) {
            Path so = files.filter(p -> p.getFileName().toString().contains(part)
                            && p.getFileName().toString().endsWith(".so"))
                    .findFirst()
                    .orElseThrow();
            byte[] header = Files.readAllBytes(so);
            return (header[18] & 0xff) | ((header[19] & 0xff) << 8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBuildLeftUnfinishedByAStoppedProcessIsFailedAndBuiltAgain() throws Exception {
        DataSource db = TestDatabase.newMigratedDataSource();
        MutableClock clock = new MutableClock(java.time.Instant.now());
        JdbcEnvBuildStore store = builds(db, clock);
        EnvProperties properties = new EnvProperties(
                true,
                PYTHON,
                Map.of(),
                null,
                dir.resolve("work"),
                Duration.ofMinutes(10),
                2,
                org.springframework.util.unit.DataSize.ofKilobytes(64),
                null,
                null);
        service = new EnvironmentService(
                store,
                new PythonEnvBuilder(properties),
                new LocalArtifactStore(dir.resolve("store")),
                properties,
                meters,
                Duration.ofMinutes(1));
        EnvSpec spec = service.spec(List.of("tabulate==0.9.0"), null, null);
        // What a process that died mid-build leaves behind.
        EnvBuild orphan =
                store.getOrCreate(spec, "data", EnvBuild.State.BUILDING, null).build();

        clock.advance(Duration.ofMinutes(3));
        assertThat(service.request(spec, "data").id())
                .as("not yet taken for abandoned")
                .isEqualTo(orphan.id());
        clock.advance(Duration.ofMinutes(2));
        EnvBuild again = service.request(spec, "data");

        assertThat(again.id()).isNotEqualTo(orphan.id());
        EnvBuild failed = service.get(orphan.id()).orElseThrow();
        assertThat(failed.state()).isEqualTo(EnvBuild.State.FAILED);
        assertThat(failed.abandoned()).as(failed.error()).isTrue();
        assertThat(awaitFinished(service, again.id()).state()).isEqualTo(EnvBuild.State.READY);
    }

    @Test
    void theHeartbeatKeepsLiveBuildsAndFailsOnlyStaleOnes() {
        MutableClock clock = new MutableClock(java.time.Instant.now());
        DataSource db = TestDatabase.newMigratedDataSource();
        JdbcEnvBuildStore store = builds(db, clock);
        EnvBuild live = store.getOrCreate(
                        new EnvSpec(List.of("a==1"), "3.12", TargetPlatform.X86_64, null),
                        "data",
                        EnvBuild.State.BUILDING,
                        null)
                .build();
        EnvBuild dead = store.getOrCreate(
                        new EnvSpec(List.of("b==1"), "3.12", TargetPlatform.X86_64, null),
                        "data",
                        EnvBuild.State.QUEUED,
                        null)
                .build();
        EnvBuild done = store.getOrCreate(
                        new EnvSpec(List.of("c==1"), "3.12", TargetPlatform.X86_64, null),
                        "data",
                        EnvBuild.State.READY,
                        "file:/c.tar.gz")
                .build();

        clock.advance(Duration.ofMinutes(3));
        store.touch(List.of(live.id(), done.id()));
        assertThat(store.abandonStale(null, Duration.ofMinutes(2))).isEqualTo(1);

        assertThat(store.find(live.id()).orElseThrow().state()).isEqualTo(EnvBuild.State.BUILDING);
        assertThat(store.find(dead.id()).orElseThrow().abandoned()).isTrue();
        assertThat(store.find(done.id()).orElseThrow().state()).isEqualTo(EnvBuild.State.READY);
    }
}
