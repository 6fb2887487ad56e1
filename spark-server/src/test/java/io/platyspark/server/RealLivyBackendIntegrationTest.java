package io.platyspark.server;

import io.platyspark.livy.real.RealLivy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.awaitility.Awaitility;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Livy scenarios ({@link LivyBackendScenarios}) against the published Apache Livy 0.7.1 server, started once
 * for the test run ({@link RealLivy}), running real PySpark jobs in {@code local[2]}. The apps' code lies in the
 * platform's local artifact directory, which is Livy's {@code livy.file.local-dir-whitelist}. When the server
 * cannot start, every scenario fails with the reason.
 */
class RealLivyBackendIntegrationTest extends LivyBackendScenarios {

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        register(registry, RealLivy.shared().localDir());
    }

    @Override
    String livyUrl() {
        return RealLivy.shared().url();
    }

    @Override
    String source(Job job) {
        String code = switch (job) {
            case PRINTS_LINES -> """
                    import sys
                    for i in range(1, 31):
                        print("line %d" % i, flush=True)
                    print("done", file=sys.stderr, flush=True)
                    """;
            case DIVIDES_BY_ZERO -> """
                    from pyspark.sql import SparkSession
                    spark = SparkSession.builder.appName("divides").config("spark.ui.enabled", "false").getOrCreate()
                    print("rows: %d" % spark.range(3).count(), flush=True)
                    1 / 0
                    """;
            case RUNS_LONG -> """
                    import time
                    time.sleep(60)
                    """;
        };
        Path file = RealLivy.shared().localDir().resolve(job.name().toLowerCase(Locale.ROOT) + ".py");
        try {
            Files.writeString(file, code);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file.toString();
    }

    @Override
    void play(String appId, Job job) {
        // Real Livy runs the job itself.
    }

    @Override
    void letLivyPurgeFinishedBatches() {
        Awaitility.await("Livy purges finished batches")
                .atMost(RealLivy.RETENTION.multipliedBy(4))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> livy.listBatches(0, 1000).sessions().stream()
                        .noneMatch(b -> b.state().isFinished()));
    }

    @Override
    Duration patience() {
        // spark-submit and a Python worker start per job, on two cores shared with the build.
        return Duration.ofMinutes(3);
    }
}
