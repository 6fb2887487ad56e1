package io.platyspark.core.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkEventLogMetricsTest {

    @TempDir
    Path dir;

    @Test
    void sumsTasksStagesAndIoFromTheEventLog() throws IOException {
        Files.write(
                dir.resolve("local-1700000000000"),
                List.of(
                        "{\"Event\":\"SparkListenerApplicationStart\",\"App Name\":\"wc\",\"Timestamp\":1000}",
                        "{\"Event\":\"SparkListenerJobStart\",\"Job ID\":0}",
                        task("Success", 120, 5, 1024, 10, 0, 0, 300),
                        task("Success", 80, 0, 2048, 20, 512, 4, 0),
                        task("ExceptionFailure", 10, 0, 0, 0, 0, 0, 0),
                        "{\"Event\":\"SparkListenerStageCompleted\",\"Stage Info\":{}}",
                        "",
                        "{\"Event\":\"SparkListenerApplicationEnd\",\"Timestamp\":4500}"));

        Map<String, Long> metrics = SparkEventLogMetrics.fromDirectory(dir).orElseThrow();

        assertThat(metrics)
                .containsEntry("durationMs", 3500L)
                .containsEntry("jobs", 1L)
                .containsEntry("stages", 1L)
                .containsEntry("tasks", 3L)
                .containsEntry("failedTasks", 1L)
                .containsEntry("executorRunTimeMs", 210L)
                .containsEntry("jvmGcTimeMs", 5L)
                .containsEntry("inputBytes", 3072L)
                .containsEntry("inputRecords", 30L)
                .containsEntry("outputBytes", 512L)
                .containsEntry("outputRecords", 4L)
                .containsEntry("shuffleReadBytes", 300L);
    }

    @Test
    void aLogCutShortStillCountsWhatWasWrittenAndNoLogIsNoMetrics() throws IOException {
        Files.write(
                dir.resolve("app.inprogress"),
                List.of(task("Success", 50, 0, 0, 0, 0, 0, 0), "{\"Event\":\"SparkListenerTaskEnd\",\"Task Me"));

        assertThat(SparkEventLogMetrics.fromDirectory(dir).orElseThrow())
                .containsEntry("tasks", 1L)
                .doesNotContainKey("durationMs");
        assertThat(SparkEventLogMetrics.fromDirectory(dir.resolve("missing"))).isEmpty();
    }

    private static String task(
            String reason,
            long runTime,
            long gc,
            long inBytes,
            long inRecords,
            long outBytes,
            long outRecords,
            long shuffleLocal) {
        return "{\"Event\":\"SparkListenerTaskEnd\",\"Task End Reason\":{\"Reason\":\"" + reason + "\"},"
                + "\"Task Metrics\":{\"Executor Run Time\":" + runTime + ",\"JVM GC Time\":" + gc + ","
                + "\"Input Metrics\":{\"Bytes Read\":" + inBytes + ",\"Records Read\":" + inRecords + "},"
                + "\"Output Metrics\":{\"Bytes Written\":" + outBytes + ",\"Records Written\":" + outRecords + "},"
                + "\"Shuffle Read Metrics\":{\"Remote Bytes Read\":0,\"Local Bytes Read\":" + shuffleLocal + "}}}";
    }
}
