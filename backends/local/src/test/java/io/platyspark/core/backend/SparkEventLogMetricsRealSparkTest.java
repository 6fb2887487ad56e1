package io.platyspark.core.backend;

import static io.platyspark.backend.local.RealEventLogs.RECORDS;
import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.backend.local.RealEventLogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The summary of event logs real pyspark jobs wrote, against what the job did. */
class SparkEventLogMetricsRealSparkTest {

    @Test
    void aRollingZstdLogSaysTheRecordsTheJobWroteShuffledAndRead() throws Exception {
        Path events = RealEventLogs.dir().resolve("zstd");
        String appId = RealEventLogs.appId(events);
        try (Stream<Path> entries = Files.list(events)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactly("eventlog_v2_" + appId);
        }

        SparkEventLogMetrics.Summary summary = SparkEventLogMetrics.summarize(EventLogDirectory.local(events), appId)
                .orElseThrow();

        assertThat(summary.logName()).isEqualTo("eventlog_v2_" + appId);
        assertThat(summary.complete()).isTrue();
        assertThat(summary.attemptId()).isNull();
        assertJobFigures(summary.metrics());
    }

    @Test
    void anLz4FileGivesTheSameFigures() throws Exception {
        Path events = RealEventLogs.dir().resolve("lz4");
        String appId = RealEventLogs.appId(events);

        SparkEventLogMetrics.Summary summary = SparkEventLogMetrics.summarize(EventLogDirectory.local(events), appId)
                .orElseThrow();

        assertThat(summary.logName()).isEqualTo(appId + ".lz4");
        assertThat(summary.complete()).isTrue();
        assertJobFigures(summary.metrics());
        assertThat(SparkEventLogMetrics.fromDirectory(events)).contains(summary.metrics());
    }

    private static void assertJobFigures(Map<String, Long> m) {
        assertThat(m.get("outputRecords")).as("records written").isEqualTo(RECORDS);
        // the repartition shuffles every record; count() shuffles one partial count per partition read (at most 3)
        assertThat(m.get("shuffleWriteRecords")).as("records shuffled out").isBetween((long) RECORDS, RECORDS + 3L);
        assertThat(m.get("shuffleReadRecords")).as("records shuffled in").isEqualTo(m.get("shuffleWriteRecords"));
        // spark.range counts its rows as read, and the parquet read back reads them again
        assertThat(m.get("inputRecords")).as("records generated and read back").isEqualTo(2L * RECORDS);
        assertThat(m.get("outputBytes")).isPositive();
        assertThat(m.get("shuffleWriteBytes")).isPositive();
        assertThat(m.get("shuffleReadBytes")).isEqualTo(m.get("shuffleWriteBytes"));
        assertThat(m.get("jobs")).isGreaterThanOrEqualTo(2);
        assertThat(m.get("failedJobs")).isZero();
        assertThat(m.get("failedTasks")).isZero();
        assertThat(m.get("tasks")).isGreaterThanOrEqualTo(m.get("stages")).isGreaterThanOrEqualTo(3);
        assertThat(m.get("durationMs")).isPositive();
        assertThat(m.get("executorRunTimeMs")).isPositive();
        assertThat(m.get("peakJvmHeapBytes")).isPositive();
    }
}
