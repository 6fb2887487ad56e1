package io.platyspark.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.core.app.AppState;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.artifact.LocalArtifactStore;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.backend.LogLine;
import io.platyspark.core.backend.PythonTarget;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.NewCluster;
import io.platyspark.core.env.EnvProperties;
import io.platyspark.core.env.EnvSparkConf;
import io.platyspark.core.env.EnvSpec;
import io.platyspark.core.env.PythonEnvBuilder;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * A real pyspark job in local mode, given its environment the way every backend gives it
 * ({@code spark.archives=<uri>#environment}, {@code ./environment/bin/python}): a package that is only in the
 * archive (tabulate: not in the venv that runs Spark, nor in any interpreter on the machine) is imported by the
 * driver and inside a {@code mapPartitions} on the executors.
 */
class LocalSparkEnvironmentTest {

    static final String PYTHON = System.getProperty("platy.test.python", "python3");

    @TempDir
    Path tmp;

    @Test
    void aPackageOnlyInTheArchiveIsImportedOnTheDriverAndOnExecutors() throws Exception {
        StoreFixture store = new StoreFixture(MutableClock.at("2026-01-01T10:00:00Z"));
        LocalClusterBackend clusters = new LocalClusterBackend(store.clusters, PYTHON);
        Cluster local = store.clusters
                .getOrCreate(new NewCluster("local", ClusterKind.LOCAL, null, null, null, ClusterState.WAITING))
                .cluster();
        PythonTarget target = clusters.pythonTarget(local).orElseThrow();
        assertThat(target.pythonVersion()).isEqualTo("3.11");

        PythonEnvBuilder builder = new PythonEnvBuilder(new EnvProperties(
                true,
                PYTHON,
                Map.of(),
                null,
                tmp.resolve("builds"),
                Duration.ofMinutes(10),
                1,
                DataSize.ofKilobytes(64),
                null,
                null));
        EnvSpec spec = new EnvSpec(List.of("tabulate==0.9.0"), "3.11", target.platform(), null).forTarget(target);
        Path built = builder.build(spec, tmp.resolve("environment.tar.gz")).archive();
        LocalArtifactStore artifacts = new LocalArtifactStore(tmp.resolve("store"));
        String uri = artifacts
                .put("envs/" + spec.cacheKey() + "/environment.tar.gz", built)
                .uri()
                .toString();

        Path job = Files.writeString(tmp.resolve("job.py"), """
                import os, sys
                import tabulate  # on the driver, before Spark has started
                from pyspark.sql import SparkSession

                def where(rows):
                    import tabulate as t, sys as s
                    yield (t.__file__, s.prefix)

                spark = SparkSession.builder.getOrCreate()
                print("DRIVER", tabulate.__file__, sys.prefix, os.getcwd())
                for path, prefix in spark.sparkContext.parallelize(range(4), 2).mapPartitions(where).collect():
                    print("EXECUTOR", path, prefix)
                spark.stop()
                """);
        LocalSparkProperties properties = new LocalSparkProperties(
                true, null, PYTHON, tmp.resolve("runs"), "local[2]", 2, Duration.ofSeconds(5), "localhost");
        LocalSparkBackend backend = new LocalSparkBackend(properties);
        SparkApp app = store.app("with-env", "local")
                .withSources(job.toString(), List.of())
                .withRunConf(EnvSparkConf.forArchive(uri));
        assertThat(app.sparkConf())
                .containsEntry("spark.archives", uri + "#environment")
                .containsEntry("spark.pyspark.python", "./environment/bin/python");

        backend.submit(local, app);
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> backend.status(local, List.of(app))
                        .get(app.id())
                        .state()
                        .isTerminal());

        BackendAppStatus status = backend.status(local, List.of(app)).get(app.id());
        String log = backend.logs(local, app, 0, 100_000).lines().stream()
                .map(LogLine::text)
                .collect(Collectors.joining("\n"));
        assertThat(status.state()).as(status.reason() + "\n" + log).isEqualTo(AppState.SUCCEEDED);
        Path env = properties.workDir().resolve(app.id().toString()).resolve("work/environment");
        List<String> driver = log.lines().filter(l -> l.startsWith("DRIVER ")).toList();
        List<String> executors =
                log.lines().filter(l -> l.startsWith("EXECUTOR ")).toList();
        assertThat(driver)
                .singleElement()
                .asString()
                .contains(env + "/lib/python3.11/site-packages/tabulate/__init__.py");
        assertThat(executors)
                .hasSize(2)
                .allSatisfy(line -> assertThat(line)
                        .contains(env + "/lib/python3.11/site-packages/tabulate/__init__.py")
                        .endsWith(" " + env));
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.exists(env));
    }
}
