package io.platyspark.core.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.aws.emr.ClusterConfig;
import io.platyspark.aws.emr.ClusterConfigJson;
import io.platyspark.aws.emr.EmrClusters;
import io.platyspark.aws.emr.PlatformDefaults;
import io.platyspark.backend.aws.emr.EmrClusterBackend;
import io.platyspark.backend.aws.emr.EmrPythonProperties;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.NewSparkApp;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.artifact.LocalArtifactStore;
import io.platyspark.core.backend.ClusterBackends;
import io.platyspark.core.backend.SparkBackends;
import io.platyspark.core.backend.TargetPlatform;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.NewCluster;
import io.platyspark.core.env.EnvBuild;
import io.platyspark.core.env.EnvProperties;
import io.platyspark.core.env.EnvSparkConf;
import io.platyspark.core.env.EnvironmentService;
import io.platyspark.core.env.JdbcEnvBuildStore;
import io.platyspark.core.env.PythonEnvBuilder;
import io.platyspark.core.env.PythonTargets;
import io.platyspark.core.testing.FakeSparkBackend;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.emr.EmrClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * An app's environment is built for where it will run: the submission worker asks the cluster's provider (EMR here,
 * from the config alone, while the cluster is still starting) for its nodes' CPU and Python, and the build is real
 * (pip against PyPI, a real PostgreSQL).
 */
class SubmissionEnvironmentTargetTest {

    static final String PYTHON = System.getProperty("platy.test.python", "python3");
    static final List<String> REQUIREMENTS = List.of("markupsafe==2.1.5");

    @TempDir
    Path dir;

    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final StoreFixture store = new StoreFixture(clock);
    private final PlatformDefaults defaults = PlatformDefaults.emr7(List.of("subnet-1"), "s3://logs/");
    // The target comes from the config: no AWS call is made, so the client points nowhere.
    private final EmrClusterBackend emr = new EmrClusterBackend(
            new EmrClusters(EmrClient.builder()
                    .region(Region.US_EAST_1)
                    .credentialsProvider(AnonymousCredentialsProvider.create())
                    .endpointOverride(URI.create("http://127.0.0.1:9"))
                    .build()),
            defaults,
            EmrPythonProperties.defaults(),
            null);
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
    private EnvironmentService envs;

    @AfterEach
    void stop() throws InterruptedException {
        if (envs != null) {
            envs.close();
        }
    }

    private SubmissionWorker worker(LocalArtifactStore artifacts) {
        EnvProperties env = new EnvProperties(
                true,
                PYTHON,
                Map.of(),
                null,
                dir.resolve("work"),
                Duration.ofMinutes(10),
                2,
                DataSize.ofKilobytes(64),
                null,
                null);
        // The builds' rows get real time: the heartbeat compares them with the wall clock.
        envs = new EnvironmentService(
                new JdbcEnvBuildStore(store.jdbc, store.tx, new JsonMapper(), Clock.systemUTC()),
                new PythonEnvBuilder(env),
                artifacts,
                env,
                new SimpleMeterRegistry());
        return new SubmissionWorker(
                store.apps,
                store.clusters,
                new SparkBackends(List.of(new FakeSparkBackend())),
                properties,
                clock,
                new SimpleMeterRegistry(),
                SourceStager.none(),
                envs,
                new EnvSparkConf(),
                PythonTargets.from(new ClusterBackends(List.of(emr))));
    }

    private Cluster emrCluster(String name, boolean graviton) {
        ClusterConfig config = new ClusterConfig(name, graviton).withTag("team", "data");
        return store.clusters
                .getOrCreate(new NewCluster(
                        name,
                        ClusterKind.DEDICATED,
                        "data",
                        ClusterConfigJson.write(config),
                        null,
                        ClusterState.STARTING))
                .cluster();
    }

    private SparkApp app(String name, Cluster cluster) {
        return store.apps
                .create(
                        new NewSparkApp(
                                        name,
                                        "data",
                                        cluster.name(),
                                        null,
                                        "/apps/x.py",
                                        null,
                                        List.of(),
                                        Map.of(),
                                        null,
                                        "req-" + name,
                                        List.of(),
                                        REQUIREMENTS,
                                        null)
                                .onCluster(cluster.id()),
                        "hash-" + name)
                .app();
    }

    private EnvBuild awaitReady(SparkApp app) {
        SparkApp stored = store.apps.find(app.id()).orElseThrow();
        assertThat(stored.state()).as(stored.stateReason()).isEqualTo(AppState.BUILDING_ENV);
        await().atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> envs.get(stored.envBuildId()).orElseThrow().state().finished());
        EnvBuild build = envs.get(stored.envBuildId()).orElseThrow();
        assertThat(build.state()).as(build.error() + "\n" + build.log()).isEqualTo(EnvBuild.State.READY);
        return build;
    }

    @Test
    void anAppOnAGravitonClusterGetsAnAarch64EnvironmentAndOneOnAnX86ClusterAnX8664One() throws Exception {
        LocalArtifactStore artifacts = new LocalArtifactStore(dir.resolve("store"));
        SubmissionWorker worker = worker(artifacts);
        SparkApp onArm = app("on-graviton", emrCluster("graviton", true));
        SparkApp onX86 = app("on-x86", emrCluster("intel", false));

        assertThat(worker.runOnce()).isEqualTo(2);
        EnvBuild arm = awaitReady(onArm);
        EnvBuild x86 = awaitReady(onX86);

        assertThat(arm.spec().platform()).isEqualTo(TargetPlatform.AARCH64);
        assertThat(x86.spec().platform()).isEqualTo(TargetPlatform.X86_64);
        assertThat(List.of(arm.spec().pythonVersion(), x86.spec().pythonVersion()))
                .as("EMR 7's nodes run Python 3.9")
                .containsOnly("3.9");
        assertThat(arm.cacheKey()).isNotEqualTo(x86.cacheKey());
        assertThat(wheelTags(artifacts, arm, "arm"))
                .isNotEmpty()
                .allMatch(tag -> tag.startsWith("cp39-cp39-manylinux") && tag.endsWith("_aarch64"), "aarch64 cp39");
        assertThat(wheelTags(artifacts, x86, "x86"))
                .isNotEmpty()
                .allMatch(tag -> tag.startsWith("cp39-cp39-manylinux") && tag.endsWith("_x86_64"), "x86_64 cp39");
    }

    @Test
    void anAppWhoseClusterTargetIsNotKnownYetWaitsForTheClusterBeforeBuilding() {
        SubmissionWorker worker = worker(new LocalArtifactStore(dir.resolve("store")));
        // Registered by URL: no provider here can say what its nodes run until it is up.
        Cluster registered = store.clusters
                .getOrCreate(new NewCluster(
                        "onprem", ClusterKind.DEDICATED, "data", null, "http://livy:8998", ClusterState.STARTING))
                .cluster();
        SparkApp app = app("later", registered);

        worker.runOnce();

        SparkApp waiting = store.apps.find(app.id()).orElseThrow();
        assertThat(waiting.state()).isEqualTo(AppState.WAITING_FOR_CLUSTER);
        assertThat(waiting.envBuildId())
                .as("nothing built for a guessed target")
                .isNull();
        store.clusters.transition(
                registered.id(), ClusterState.STARTING, ClusterState.WAITING, null, null, null, "http://livy:8998");
        clock.advance(Duration.ofMinutes(1));
        worker.runOnce();
        assertThat(store.apps.find(app.id()).orElseThrow().envBuildId()).isNotNull();
    }

    @Test
    void anAppAskingForAnotherPythonThanItsNodesOrOnAnUnknownReleaseFailsSayingWhy() {
        SubmissionWorker worker = worker(new LocalArtifactStore(dir.resolve("store")));
        Cluster emr7 = emrCluster("emr7", true);
        SparkApp wrongPython = store.apps
                .create(
                        new NewSparkApp(
                                        "py312",
                                        "data",
                                        emr7.name(),
                                        null,
                                        "/apps/x.py",
                                        null,
                                        List.of(),
                                        Map.of(),
                                        null,
                                        "req-py312",
                                        List.of(),
                                        REQUIREMENTS,
                                        "3.12")
                                .onCluster(emr7.id()),
                        "hash-py312")
                .app();
        ClusterConfig future =
                new ClusterConfig("future", true).withTag("team", "data").withReleaseLabel("emr-9.0.0");
        Cluster unknown = store.clusters
                .getOrCreate(new NewCluster(
                        "future",
                        ClusterKind.DEDICATED,
                        "data",
                        ClusterConfigJson.write(future),
                        null,
                        ClusterState.STARTING))
                .cluster();
        SparkApp onUnknown = app("on-future", unknown);

        worker.runOnce();

        SparkApp failed = store.apps.find(wrongPython.id()).orElseThrow();
        assertThat(failed.state()).isEqualTo(AppState.FAILED);
        assertThat(failed.stateReason())
                .contains("asks for Python 3.12")
                .contains("run Python 3.9 (/usr/bin/python3.9)");
        SparkApp refused = store.apps.find(onUnknown.id()).orElseThrow();
        assertThat(refused.state()).isEqualTo(AppState.FAILED);
        assertThat(refused.stateReason()).contains("emr-9.0.0").contains("platy.aws.emr-python.releases");
        assertThat(refused.envBuildId()).isNull();
    }

    /** The {@code Tag:} lines of the wheels installed in a built archive. */
    private List<String> wheelTags(LocalArtifactStore artifacts, EnvBuild build, String name) throws Exception {
        Path archive = dir.resolve(name + ".tar.gz");
        try (InputStream in = artifacts.open(URI.create(build.uri()))) {
            Files.copy(in, archive);
        }
        Path out = Files.createDirectories(dir.resolve(name));
        assertThat(new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", out.toString())
                        .start()
                        .waitFor())
                .isZero();
        assertThat(Files.readSymbolicLink(out.resolve("bin/python"))).isEqualTo(Path.of("/usr/bin/python3.9"));
        try (Stream<Path> files = Files.walk(out)) {
            return files.filter(p -> p.getFileName().toString().equals("WHEEL"))
                    .flatMap(p -> {
                        try {
                            return Files.readAllLines(p).stream();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .filter(l -> l.startsWith("Tag: "))
                    .map(l -> l.substring(5).strip())
                    .toList();
        }
    }
}
