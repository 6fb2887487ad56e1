package io.platyspark.core.backend;

import io.airlift.compress.MalformedInputException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.JacksonIOException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sums an app's Spark metrics from its event log (one JSON event per line, as {@code spark.eventLog.enabled}
 * writes it): duration, jobs, stages, tasks, run and GC time, bytes and records in and out, shuffle and spill, peak
 * memory. The figures the Spark UI shows on its summary, kept after the UI is gone.
 *
 * <p>The log is read as a stream of tokens, one event at a time, keeping only running totals: an event log of
 * gigabytes is summarised in the same few kilobytes of heap as a small one. Compressed logs ({@link EventLogCodec})
 * and rolling logs ({@code spark.eventLog.rolling.enabled}: a directory of numbered files) are read as Spark
 * writes them.
 */
public final class SparkEventLogMetrics {

    private static final Logger log = LoggerFactory.getLogger(SparkEventLogMetrics.class);
    private static final JsonMapper JSON = new JsonMapper();
    static final String ROLLING_PREFIX = "eventlog_v2_";
    private static final Pattern EVENTS_FILE = Pattern.compile("events_(\\d+)_.*");

    private SparkEventLogMetrics() {}

    /**
     * What an app's event log says.
     *
     * @param logName   the log's name in its directory (a file, or a rolling log's sub-directory)
     * @param attemptId the attempt the log is of ({@code 1} on YARN), null when the app had no attempts
     * @param complete  whether Spark finished the log (an app killed hard leaves it in progress)
     * @param metrics   the totals
     */
    public record Summary(String logName, String attemptId, boolean complete, Map<String, Long> metrics) {}

    /** The metrics of the one event log directly in {@code dir}, if there is one (a local app's own directory). */
    public static Optional<Map<String, Long>> fromDirectory(Path dir) {
        try {
            EventLogDirectory events = EventLogDirectory.local(dir);
            return events.list("").stream()
                    .filter(n -> !n.startsWith("."))
                    .map(SparkEventLogMetrics::appIdOf)
                    .filter(id -> id != null)
                    .findFirst()
                    .flatMap(id -> summarizeQuietly(events, id))
                    .map(Summary::metrics);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Summary> summarizeQuietly(EventLogDirectory dir, String appId) {
        try {
            return summarize(dir, appId);
        } catch (IOException e) {
            log.warn("cannot read the event log of {} in {}: {}", appId, dir, e.toString());
            return Optional.empty();
        }
    }

    /**
     * Summarises the event log of Spark app {@code appId} (its last attempt) in {@code dir}; empty when there is
     * none. A log cut short (the app was killed, or is still running) gives the totals read so far.
     *
     * @throws IOException when the directory or a file cannot be read (an outage, not a missing log)
     */
    public static Optional<Summary> summarize(EventLogDirectory dir, String appId) throws IOException {
        Optional<Selected> selected = select(dir, appId);
        if (selected.isEmpty()) {
            return Optional.empty();
        }
        Selected log = selected.get();
        Totals totals = new Totals();
        boolean complete = log.complete;
        for (String file : log.files) {
            EventLogCodec codec = EventLogCodec.ofName(file);
            if (codec == null) {
                throw new IOException("event log " + file + " uses a codec this platform does not read; "
                        + "use spark.eventLog.compression.codec=zstd or lz4");
            }
            try (InputStream in = codec.decode(dir.open(file))) {
                if (!read(in, totals)) {
                    complete = false;
                }
            }
        }
        return Optional.of(new Summary(log.name, log.attemptId, complete && totals.ended, totals.asMap()));
    }

    /** Sums every event of an (uncompressed) event-log stream. */
    public static Map<String, Long> summarize(InputStream events) throws IOException {
        Totals totals = new Totals();
        read(events, totals);
        return totals.asMap();
    }

    /** Reads events into the totals; false when the stream ended inside an event (cut short). */
    private static boolean read(InputStream in, Totals totals) throws IOException {
        try (JsonParser p = JSON.createParser(in)) {
            JsonToken token;
            while ((token = p.nextToken()) != null) {
                if (token == JsonToken.START_OBJECT) {
                    totals.event(p);
                } else {
                    p.skipChildren();
                }
            }
            return true;
        } catch (JacksonIOException e) {
            // The file could not be read (an outage), unless it just ended early.
            if (e.getCause() instanceof EOFException) {
                return false;
            }
            throw e.getCause() != null ? e.getCause() : new IOException(e.getMessage(), e);
        } catch (JacksonException | MalformedInputException e) {
            // A log cut short (the app was killed, or still writes) keeps the totals read so far.
            return false;
        }
    }

    private record Selected(String name, String attemptId, boolean complete, List<String> files) {}

    /** The Spark app id a name in an event-log directory belongs to, or null for other files. */
    static String appIdOf(String name) {
        String base = name;
        int slash = base.indexOf('/');
        if (slash >= 0) {
            base = base.substring(0, slash);
        }
        if (base.startsWith(ROLLING_PREFIX)) {
            return base.substring(ROLLING_PREFIX.length());
        }
        return stripCodec(EventLogCodec.stripInProgress(base));
    }

    private static String stripCodec(String name) {
        int dot = name.lastIndexOf('.');
        // null is a codec Spark writes that is not read here (snappy, lzf): still a compressed log of the app
        return dot > 0 && EventLogCodec.ofName(name) != EventLogCodec.NONE ? name.substring(0, dot) : name;
    }

    /** The last attempt's files of app {@code appId}: {@code <app>[_<attempt>]}, in the order Spark wrote them. */
    private static Optional<Selected> select(EventLogDirectory dir, String appId) throws IOException {
        Pattern own = Pattern.compile(Pattern.quote(appId) + "(?:_(\\d+))?");
        List<String> names = new ArrayList<>(dir.list(appId));
        names.addAll(dir.list(ROLLING_PREFIX + appId));
        String bestBase = null;
        long bestAttempt = -1;
        for (String name : names) {
            String base = appIdOf(name);
            Matcher m = own.matcher(base);
            if (!m.matches()) {
                continue;
            }
            long attempt = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
            if (attempt > bestAttempt) {
                bestAttempt = attempt;
                bestBase = base;
            }
        }
        if (bestBase == null) {
            return Optional.empty();
        }
        String attemptId = bestBase.length() > appId.length() ? bestBase.substring(appId.length() + 1) : null;
        String rollingDir = ROLLING_PREFIX + bestBase + "/";
        List<String> rolling =
                names.stream().filter(n -> n.startsWith(rollingDir)).toList();
        if (!rolling.isEmpty()) {
            List<String> files = rolling.stream()
                    .filter(n -> EVENTS_FILE
                            .matcher(n.substring(rollingDir.length()))
                            .matches())
                    .sorted(Comparator.comparingLong(n -> index(n.substring(rollingDir.length()))))
                    .toList();
            // The app-status marker loses ".inprogress" when Spark closes the log.
            boolean complete = rolling.stream()
                    .anyMatch(n -> n.substring(rollingDir.length()).startsWith("appstatus_")
                            && !n.endsWith(EventLogCodec.IN_PROGRESS));
            return Optional.of(new Selected(ROLLING_PREFIX + bestBase, attemptId, complete, files));
        }
        String base = bestBase;
        // A finished file over one left in progress (both exist for a moment while Spark renames).
        Optional<String> file = names.stream()
                .filter(n -> !n.contains("/") && appIdOf(n).equals(base))
                .min(Comparator.comparing((String n) -> n.endsWith(EventLogCodec.IN_PROGRESS)));
        return file.map(f -> new Selected(f, attemptId, !f.endsWith(EventLogCodec.IN_PROGRESS), List.of(f)));
    }

    private static long index(String fileName) {
        Matcher m = EVENTS_FILE.matcher(fileName);
        return m.matches() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
    }

    /** Running totals; one event's fields are held only while that event is read. */
    private static final class Totals {
        long start = -1;
        long end = -1;
        boolean ended;
        long jobs;
        long failedJobs;
        long stages;
        long failedStages;
        long tasks;
        long failedTasks;
        long runTime;
        long cpuTimeNs;
        long gcTime;
        long inputBytes;
        long inputRecords;
        long outputBytes;
        long outputRecords;
        long shuffleReadBytes;
        long shuffleReadRecords;
        long shuffleWriteBytes;
        long shuffleWriteRecords;
        long memorySpilled;
        long diskSpilled;
        long peakExecutionMemory;
        long peakJvmHeap;
        long peakJvmOffHeap;

        // the event being read
        private String type;
        private long timestamp;
        private boolean taskFailed;
        private boolean stageFailed;
        private boolean jobFailed;
        private final long[] task = new long[Metric.values().length];

        /** Reads one event; the parser stands on its START_OBJECT and is left on its END_OBJECT. */
        void event(JsonParser p) {
            type = null;
            timestamp = -1;
            taskFailed = false;
            stageFailed = false;
            jobFailed = false;
            java.util.Arrays.fill(task, 0);
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "Event" -> type = p.getValueAsString();
                    case "Timestamp", "Completion Time" -> timestamp = p.getValueAsLong(-1);
                    case "Task End Reason" -> taskFailed = !"Success".equals(firstString(p, "Reason", "Success"));
                    case "Job Result" -> jobFailed = !"JobSucceeded".equals(firstString(p, "Result", "JobSucceeded"));
                    case "Stage Info" -> stageFailed = stageInfoFailed(p);
                    case "Task Metrics" -> taskMetrics(p, null);
                    case "Task Executor Metrics", "Executor Metrics" -> executorMetrics(p);
                    default -> {
                        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                            p.skipChildren();
                        }
                    }
                }
            }
            apply();
        }

        private void apply() {
            if (type == null) {
                return;
            }
            switch (type) {
                case "SparkListenerApplicationStart" -> start = timestamp;
                case "SparkListenerApplicationEnd" -> {
                    end = timestamp;
                    ended = true;
                }
                case "SparkListenerJobStart" -> jobs++;
                case "SparkListenerJobEnd" -> failedJobs += jobFailed ? 1 : 0;
                case "SparkListenerStageCompleted" -> {
                    stages++;
                    failedStages += stageFailed ? 1 : 0;
                }
                case "SparkListenerTaskEnd" -> {
                    tasks++;
                    failedTasks += taskFailed ? 1 : 0;
                    runTime += task[Metric.RUN_TIME.ordinal()];
                    cpuTimeNs += task[Metric.CPU_TIME.ordinal()];
                    gcTime += task[Metric.GC_TIME.ordinal()];
                    inputBytes += task[Metric.INPUT_BYTES.ordinal()];
                    inputRecords += task[Metric.INPUT_RECORDS.ordinal()];
                    outputBytes += task[Metric.OUTPUT_BYTES.ordinal()];
                    outputRecords += task[Metric.OUTPUT_RECORDS.ordinal()];
                    shuffleReadBytes +=
                            task[Metric.SHUFFLE_REMOTE_BYTES.ordinal()] + task[Metric.SHUFFLE_LOCAL_BYTES.ordinal()];
                    shuffleReadRecords += task[Metric.SHUFFLE_READ_RECORDS.ordinal()];
                    shuffleWriteBytes += task[Metric.SHUFFLE_WRITE_BYTES.ordinal()];
                    shuffleWriteRecords += task[Metric.SHUFFLE_WRITE_RECORDS.ordinal()];
                    memorySpilled += task[Metric.MEMORY_SPILLED.ordinal()];
                    diskSpilled += task[Metric.DISK_SPILLED.ordinal()];
                    peakExecutionMemory = Math.max(peakExecutionMemory, task[Metric.PEAK_EXECUTION_MEMORY.ordinal()]);
                }
                default -> {}
            }
        }

        /** The task metrics this summary keeps, by their names in the event log (inside their group, if any). */
        private enum Metric {
            RUN_TIME(null, "Executor Run Time"),
            CPU_TIME(null, "Executor CPU Time"),
            GC_TIME(null, "JVM GC Time"),
            MEMORY_SPILLED(null, "Memory Bytes Spilled"),
            DISK_SPILLED(null, "Disk Bytes Spilled"),
            PEAK_EXECUTION_MEMORY(null, "Peak Execution Memory"),
            INPUT_BYTES("Input Metrics", "Bytes Read"),
            INPUT_RECORDS("Input Metrics", "Records Read"),
            OUTPUT_BYTES("Output Metrics", "Bytes Written"),
            OUTPUT_RECORDS("Output Metrics", "Records Written"),
            SHUFFLE_REMOTE_BYTES("Shuffle Read Metrics", "Remote Bytes Read"),
            SHUFFLE_LOCAL_BYTES("Shuffle Read Metrics", "Local Bytes Read"),
            SHUFFLE_READ_RECORDS("Shuffle Read Metrics", "Total Records Read"),
            SHUFFLE_WRITE_BYTES("Shuffle Write Metrics", "Shuffle Bytes Written"),
            SHUFFLE_WRITE_RECORDS("Shuffle Write Metrics", "Shuffle Records Written");

            private static final Map<String, Metric> BY_NAME = new java.util.HashMap<>();

            static {
                for (Metric m : values()) {
                    BY_NAME.put(m.group + "/" + m.field, m);
                }
            }

            final String group;
            final String field;

            Metric(String group, String field) {
                this.group = group;
                this.field = field;
            }

            static Metric of(String group, String field) {
                return BY_NAME.get(group + "/" + field);
            }
        }

        /** The parser stands on the metrics object's START_OBJECT. */
        private void taskMetrics(JsonParser p, String group) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                return;
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT && group == null) {
                    taskMetrics(p, field);
                } else if (value.isNumeric()) {
                    Metric m = Metric.of(group, field);
                    if (m != null) {
                        task[m.ordinal()] = p.getValueAsLong(0);
                    }
                } else {
                    p.skipChildren();
                }
            }
        }

        private void executorMetrics(JsonParser p) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                return;
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!value.isNumeric()) {
                    p.skipChildren();
                } else if (field.equals("JVMHeapMemory")) {
                    peakJvmHeap = Math.max(peakJvmHeap, p.getValueAsLong(0));
                } else if (field.equals("JVMOffHeapMemory")) {
                    peakJvmOffHeap = Math.max(peakJvmOffHeap, p.getValueAsLong(0));
                }
            }
        }

        /** The string value of {@code name} in the object the parser stands on (skipping the rest). */
        private static String firstString(JsonParser p, String name, String otherwise) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                String s = p.getValueAsString();
                p.skipChildren();
                return s == null ? otherwise : s;
            }
            String found = otherwise;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals(name) && value == JsonToken.VALUE_STRING) {
                    found = p.getValueAsString();
                } else {
                    p.skipChildren();
                }
            }
            return found;
        }

        /** A completed stage failed when its info carries a failure reason. */
        private static boolean stageInfoFailed(JsonParser p) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                p.skipChildren();
                return false;
            }
            boolean failed = false;
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("Failure Reason") && value == JsonToken.VALUE_STRING) {
                    failed = true;
                } else {
                    p.skipChildren();
                }
            }
            return failed;
        }

        Map<String, Long> asMap() {
            Map<String, Long> map = new LinkedHashMap<>();
            if (start >= 0 && end >= start) {
                map.put("durationMs", end - start);
            }
            map.put("jobs", jobs);
            map.put("failedJobs", failedJobs);
            map.put("stages", stages);
            map.put("failedStages", failedStages);
            map.put("tasks", tasks);
            map.put("failedTasks", failedTasks);
            map.put("executorRunTimeMs", runTime);
            map.put("executorCpuTimeMs", cpuTimeNs / 1_000_000);
            map.put("jvmGcTimeMs", gcTime);
            map.put("inputBytes", inputBytes);
            map.put("inputRecords", inputRecords);
            map.put("outputBytes", outputBytes);
            map.put("outputRecords", outputRecords);
            map.put("shuffleReadBytes", shuffleReadBytes);
            map.put("shuffleReadRecords", shuffleReadRecords);
            map.put("shuffleWriteBytes", shuffleWriteBytes);
            map.put("shuffleWriteRecords", shuffleWriteRecords);
            map.put("memoryBytesSpilled", memorySpilled);
            map.put("diskBytesSpilled", diskSpilled);
            map.put("peakExecutionMemoryBytes", peakExecutionMemory);
            map.put("peakJvmHeapBytes", peakJvmHeap);
            map.put("peakJvmOffHeapBytes", peakJvmOffHeap);
            return map;
        }
    }
}
