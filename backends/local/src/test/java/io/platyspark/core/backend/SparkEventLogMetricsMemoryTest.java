package io.platyspark.core.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.backend.local.RealEventLogs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 MB event log, made of a real pyspark run's events, summarised in a JVM whose heap is 256 MB: the whole log
 * would not fit, the running totals do.
 */
class SparkEventLogMetricsMemoryTest {

    static final long SIZE = 200L * 1024 * 1024;

    @TempDir
    Path tmp;

    @Test
    void aLogLargerThanTheHeapIsSummarisedInFixedMemory() throws Exception {
        Path real = RealEventLogs.dir().resolve("zstd");
        Map<String, Long> small = SparkEventLogMetrics.summarize(
                        EventLogDirectory.local(real), RealEventLogs.appId(real))
                .orElseThrow()
                .metrics();
        RealEventLogs.Large large = RealEventLogs.replicate(real, tmp, SIZE);
        assertThat(large.bytes()).isGreaterThanOrEqualTo(SIZE);

        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-XX:+UseSerialGC",
                        "-cp",
                        System.getProperty("java.class.path"),
                        SummarizeEventLog.class.getName(),
                        large.dir().toString(),
                        large.appId())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();

        Map<String, Long> got = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2 && kv[1].matches("-?\\d+")) {
                got.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        for (String additive : List.of(
                "tasks", "outputRecords", "inputRecords", "shuffleWriteRecords", "outputBytes", "executorRunTimeMs")) {
            assertThat(got.get(additive)).as(additive).isEqualTo(small.get(additive) * large.factor());
        }
        assertThat(got.get("jobs")).isEqualTo(small.get("jobs"));
        assertThat(got.get("maxHeapBytes")).isLessThanOrEqualTo(256L * 1024 * 1024);
        assertThat(got.get("peakHeapBytes")).as("peak heap").isLessThan(large.bytes());
        System.out.printf(
                "summarised %d MB in %d ms, peak heap %d MB of %d MB%n",
                large.bytes() >> 20,
                got.get("elapsedMs"),
                got.get("peakHeapBytes") >> 20,
                got.get("maxHeapBytes") >> 20);
    }
}
