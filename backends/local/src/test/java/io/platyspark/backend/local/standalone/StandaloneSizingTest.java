package io.platyspark.backend.local.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The documented rule that scales a cluster's config down to this machine. */
class StandaloneSizingTest {

    private static final long GB = 1024L * 1024 * 1024;
    private final StandaloneProperties properties = new StandaloneProperties(
            true,
            null,
            "shared",
            4,
            DataSize.ofGigabytes(2),
            DataSize.ofMegabytes(512),
            DataSize.ofMegabytes(256),
            Duration.ofMinutes(3),
            Duration.ofSeconds(15),
            Duration.ofSeconds(5));

    @Test
    void aBigConfigOnTwoCoresIsOneWorkerWithBothCores() {
        String seedLike = "{\"name\":\"etl\",\"instanceFleets\":{\"coreTargetOnDemandCapacity\":30,"
                + "\"taskTargetOnDemandCapacity\":1},\"configurations\":{\"spark-defaults\":"
                + "{\"spark.executor.memory\":\"5g\",\"spark.sql.shuffle.partitions\":\"4\"}}}";

        StandaloneSizing sizing = StandaloneSizing.of(seedLike, "etl", properties, 2, 23 * GB);

        assertThat(sizing.workers()).isEqualTo(1);
        assertThat(sizing.coresPerWorker()).isEqualTo(2);
        assertThat(sizing.memoryPerWorkerMb()).as("capped by max-worker-memory").isEqualTo(2048);
        assertThat(sizing.appDefaults())
                .containsEntry("spark.cores.max", "1")
                .containsEntry("spark.executor.cores", "1")
                // The config's spark-defaults win over the platform's.
                .containsEntry("spark.executor.memory", "5g")
                .containsEntry("spark.sql.shuffle.partitions", "4");
    }

    @Test
    void workersFollowTheConfigUpToTheMachineAndTheLimit() {
        String three = "{\"instanceFleets\":{\"coreTargetOnDemandCapacity\":2,\"coreTargetSpotCapacity\":1}}";

        assertThat(StandaloneSizing.of(three, "c", properties, 16, 64 * GB).workers())
                .isEqualTo(3);
        assertThat(StandaloneSizing.of(three, "c", properties, 16, 64 * GB).coresPerWorker())
                .isEqualTo(5);
        assertThat(StandaloneSizing.of(three, "c", properties, 4, 64 * GB).workers())
                .as("one per 2 cores")
                .isEqualTo(2);
        assertThat(StandaloneSizing.of(
                                "{\"instanceFleets\":{\"coreTargetOnDemandCapacity\":50}}",
                                "c",
                                properties,
                                64,
                                256 * GB)
                        .workers())
                .as("max-workers")
                .isEqualTo(4);
        assertThat(StandaloneSizing.of(null, "c", properties, 8, 64 * GB).workers())
                .as("a preset without fleets")
                .isEqualTo(1);
    }

    @Test
    void memoryIsHalfTheMachineSharedByTheWorkersButNeverBelowAnExecutor() {
        String two = "{\"instanceFleets\":{\"coreTargetOnDemandCapacity\":2}}";

        assertThat(StandaloneSizing.of(two, "c", properties, 8, 4 * GB).memoryPerWorkerMb())
                .isEqualTo(1024);
        assertThat(StandaloneSizing.of(two, "c", properties, 8, GB).memoryPerWorkerMb())
                .isEqualTo(512);
        assertThat(StandaloneSizing.of(two, "c", properties, 8, GB).appDefaults())
                .containsEntry("spark.executor.memory", "512m")
                .containsEntry("spark.cores.max", "4");
    }
}
