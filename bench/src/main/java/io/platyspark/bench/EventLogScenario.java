package io.platyspark.bench;

import io.platyspark.backend.local.RealEventLogs;
import io.platyspark.core.backend.SummarizeEventLog;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Summarising a large event log (issue 19): a real pyspark run's log with its task-end events repeated up to 200 MB
 * (20 MB in a smoke run), summarised in a JVM of its own with a 256 MB heap. Printed: the time and the peak heap.
 * Baseline: reading the file's bytes once, the least any summary of it costs.
 */
final class EventLogScenario {

    static final long MAX_HEAP = 256L * 1024 * 1024;

    private EventLogScenario() {}

    static void run(Bench.Sizes sizes, Report report) throws Exception {
        long target = sizes == Bench.Sizes.SMOKE ? 20L << 20 : 200L << 20;
        Path real = RealEventLogs.dir().resolve("zstd");
        Path tmp = Files.createTempDirectory("platy-bench-eventlog");
        try {
            RealEventLogs.Large large = RealEventLogs.replicate(real, tmp, target);
            Map<String, Long> got = summarizeInOwnJvm(large);
            long floor = readOnceMillis(large.dir().resolve(large.appId()));
            String scenario = String.format("event log of %d MB, -Xmx256m", large.bytes() >> 20);
            report.add(scenario, "time to summarise", got.get("elapsedMs"), floor, "ms", "reading its bytes once");
            report.add(
                    scenario,
                    "peak heap",
                    got.get("peakHeapBytes") / 1048576.0,
                    MAX_HEAP / 1048576.0,
                    "MB",
                    "the JVM's heap limit");
            report.note(String.format(
                    "Event log: %d task-end events of a real run × %d, %d tasks summarised; the "
                            + "summary streams tokens and keeps running totals.",
                    large.taskEnds(), large.factor(), got.get("tasks")));
        } finally {
            try (var files = Files.walk(tmp)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    private static Map<String, Long> summarizeInOwnJvm(RealEventLogs.Large large) throws Exception {
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        SummarizeEventLog.class.getName(),
                        large.dir().toString(),
                        large.appId())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("summary failed: " + out);
        }
        Map<String, Long> got = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] kv = line.split("=", 2);
            if (kv.length == 2 && kv[1].matches("-?\\d+")) {
                got.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return got;
    }

    private static long readOnceMillis(Path file) throws Exception {
        long start = System.nanoTime();
        byte[] buffer = new byte[64 * 1024];
        long newlines = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    newlines += buffer[i] == '\n' ? 1 : 0;
                }
            }
        }
        return newlines < 0 ? -1 : (System.nanoTime() - start) / 1_000_000;
    }
}
