package io.platyspark.core.backend;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sums an app's Spark metrics from its event log (one JSON event per line, as {@code spark.eventLog.enabled}
 * writes it): duration, jobs, stages, tasks, run and GC time, bytes and records in and out, shuffle and spill. The
 * figures the Spark UI shows on its summary, kept after the UI is gone.
 */
public final class SparkEventLogMetrics {

    private static final JsonMapper JSON = new JsonMapper();

    private SparkEventLogMetrics() {
    }

    /** The metrics of the one event log in {@code dir}, if there is one. */
    public static Optional<Map<String, Long>> fromDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            Optional<Path> eventLog = files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .findFirst();
            return eventLog.map(SparkEventLogMetrics::summarize);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static Map<String, Long> summarize(Path eventLog) {
        Totals totals = new Totals();
        try (BufferedReader reader = Files.newBufferedReader(eventLog, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.isBlank()) {
                    totals.add(JSON.readTree(line));
                }
            }
        } catch (IOException | RuntimeException e) {
            // A log cut short (the app was killed) still gives the totals read so far.
        }
        return totals.asMap();
    }

    private static final class Totals {
        long start = -1;
        long end = -1;
        long jobs;
        long stages;
        long tasks;
        long failedTasks;
        long runTime;
        long cpuTimeNs;
        long gcTime;
        long inputBytes;
        long inputRecords;
        long outputBytes;
        long outputRecords;
        long shuffleRead;
        long shuffleWrite;
        long memorySpilled;
        long diskSpilled;

        void add(JsonNode event) {
            switch (event.path("Event").asString("")) {
                case "SparkListenerApplicationStart" -> start = event.path("Timestamp").asLong(-1);
                case "SparkListenerApplicationEnd" -> end = event.path("Timestamp").asLong(-1);
                case "SparkListenerJobStart" -> jobs++;
                case "SparkListenerStageCompleted" -> stages++;
                case "SparkListenerTaskEnd" -> task(event);
                default -> { }
            }
        }

        private void task(JsonNode event) {
            tasks++;
            if (!"Success".equals(event.path("Task End Reason").path("Reason").asString("Success"))) {
                failedTasks++;
            }
            JsonNode m = event.path("Task Metrics");
            runTime += m.path("Executor Run Time").asLong(0);
            cpuTimeNs += m.path("Executor CPU Time").asLong(0);
            gcTime += m.path("JVM GC Time").asLong(0);
            inputBytes += m.path("Input Metrics").path("Bytes Read").asLong(0);
            inputRecords += m.path("Input Metrics").path("Records Read").asLong(0);
            outputBytes += m.path("Output Metrics").path("Bytes Written").asLong(0);
            outputRecords += m.path("Output Metrics").path("Records Written").asLong(0);
            JsonNode read = m.path("Shuffle Read Metrics");
            shuffleRead += read.path("Remote Bytes Read").asLong(0) + read.path("Local Bytes Read").asLong(0);
            shuffleWrite += m.path("Shuffle Write Metrics").path("Shuffle Bytes Written").asLong(0);
            memorySpilled += m.path("Memory Bytes Spilled").asLong(0);
            diskSpilled += m.path("Disk Bytes Spilled").asLong(0);
        }

        Map<String, Long> asMap() {
            Map<String, Long> map = new LinkedHashMap<>();
            if (start >= 0 && end >= start) {
                map.put("durationMs", end - start);
            }
            map.put("jobs", jobs);
            map.put("stages", stages);
            map.put("tasks", tasks);
            map.put("failedTasks", failedTasks);
            map.put("executorRunTimeMs", runTime);
            map.put("executorCpuTimeMs", cpuTimeNs / 1_000_000);
            map.put("jvmGcTimeMs", gcTime);
            map.put("inputBytes", inputBytes);
            map.put("inputRecords", inputRecords);
            map.put("outputBytes", outputBytes);
            map.put("outputRecords", outputRecords);
            map.put("shuffleReadBytes", shuffleRead);
            map.put("shuffleWriteBytes", shuffleWrite);
            map.put("memoryBytesSpilled", memorySpilled);
            map.put("diskBytesSpilled", diskSpilled);
            return map;
        }
    }
}
