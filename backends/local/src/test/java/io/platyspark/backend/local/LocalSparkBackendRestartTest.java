package io.platyspark.backend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.platyspark.core.app.AppState;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendSubmission;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.NewCluster;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.StoreFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run started by an earlier life of the server (which died before recording it) is adopted by the next with
 * the process it really is: seen running, and stoppable. Its spark-submit here is a stand-in that just waits.
 */
class LocalSparkBackendRestartTest {

    @TempDir
    Path tmp;

    @Test
    void aRunAdoptedAfterARestartIsSeenRunningAndCanBeStopped() throws Exception {
        Path home = tmp.resolve("spark");
        Files.createDirectories(home.resolve("bin"));
        Path submit = home.resolve("bin/spark-submit");
        Files.writeString(submit, "#!/bin/sh\nexec sleep 60\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwx------"));
        Path source = Files.writeString(tmp.resolve("job.py"), "print(1)\n");
        LocalSparkProperties properties = new LocalSparkProperties(
                true, home, "python3", tmp.resolve("work"), "local[1]", 4, Duration.ofSeconds(2), "localhost");
        StoreFixture store = new StoreFixture(MutableClock.at("2026-01-01T10:00:00Z"));
        Cluster local = store.clusters
                .getOrCreate(new NewCluster("local", ClusterKind.LOCAL, null, null, null, ClusterState.WAITING))
                .cluster();
        SparkApp app = store.app("daily", "local").withSources(source.toString(), List.of());

        long pid = Long.parseLong(
                new LocalSparkBackend(properties).submit(local, app).backendId());
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        try {
            LocalSparkBackend restarted = new LocalSparkBackend(properties);
            BackendSubmission adopted = restarted.submit(local, app);
            SparkApp recorded = app.withBackend("local", adopted.backendId());

            assertThat(adopted.adopted()).isTrue();
            assertThat(adopted.backendId()).isEqualTo(String.valueOf(pid));
            assertThat(restarted.status(local, List.of(recorded)).get(app.id()).state())
                    .isEqualTo(AppState.RUNNING);

            restarted.kill(local, recorded);
            await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
        } finally {
            process.destroyForcibly();
        }
    }
}
