package io.platyspark.backend.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.backend.EventLogCodec;
import io.platyspark.core.backend.EventLogDirectory;
import io.platyspark.core.backend.SparkEventLogConf;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Event logs written by real pyspark jobs, made once per test JVM: a job that writes {@link #RECORDS} records
 * through a shuffle and reads them back, run with the platform's event-log settings (zstd, rolling) and again with
 * lz4 into one plain file.
 */
public final class RealEventLogs {

    public static final int RECORDS = 12_345;
    public static final String PYTHON = System.getProperty("platy.test.python", "python3");

    private static Path dir;

    private RealEventLogs() {}

    /** The directory holding both logs: {@code zstd/} (rolling) and {@code lz4/} (one file). */
    public static synchronized Path dir() throws Exception {
        if (dir == null) {
            Path d = Files.createTempDirectory("platy-eventlogs");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(d), "delete-event-logs"));
            run(d, "zstd", SparkEventLogConf.DEFAULT);
            run(d, "lz4", new SparkEventLogConf("lz4", false, 0));
            dir = d;
        }
        return dir;
    }

    private static void run(Path root, String name, SparkEventLogConf conf)
            throws IOException, InterruptedException, URISyntaxException {
        Path events = Files.createDirectories(root.resolve(name));
        Path home = SparkSubmitLocator.locateSparkHome(null, null, PYTHON)
                .orElseThrow(() -> new AssertionError("no pyspark found for " + PYTHON + " (-Dplaty.test.python)"));
        Path script = root.resolve("write_records.py");
        try (InputStream in = RealEventLogs.class.getResourceAsStream("/eventlog/write_records.py")) {
            Files.write(script, in.readAllBytes()); // from a jar too (bin/bench reads core's test-jar)
        }
        List<String> cmd = new ArrayList<>(List.of(
                home.resolve("bin/spark-submit").toString(),
                "--master",
                "local[2]",
                "--conf",
                "spark.ui.enabled=false",
                // Peak memory reaches the log from the executor's metrics poller; with Spark's default (poll at each
                // 10 s heartbeat) a job that ends sooner, as a fast one does on a quiet machine, records none.
                "--conf",
                "spark.executor.metrics.pollingInterval=10ms"));
        for (Map.Entry<String, String> e :
                conf.sparkConf(events.toUri().toString()).entrySet()) {
            cmd.add("--conf");
            cmd.add(e.getKey() + "=" + e.getValue());
        }
        cmd.add(script.toString());
        cmd.add(root.resolve(name + "-out").toString());
        cmd.add(String.valueOf(RECORDS));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(root.resolve(name + ".log").toFile());
        pb.environment().put("PYSPARK_PYTHON", PYTHON);
        pb.environment().put("PYSPARK_DRIVER_PYTHON", PYTHON);
        pb.environment().put("SPARK_HOME", home.toString());
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("spark-submit finished").isTrue();
        assertThat(p.exitValue())
                .as("spark-submit exit; output in " + root.resolve(name + ".log"))
                .isZero();
    }

    /** The Spark app id of the one log in {@code events}. */
    public static String appId(Path events) throws IOException {
        return EventLogDirectory.local(events).list("").stream()
                .map(n -> n.replaceFirst("^eventlog_v2_", "").replaceFirst("[./].*$", ""))
                .filter(id -> id.startsWith("local-"))
                .findFirst()
                .orElseThrow();
    }

    /** What {@link #replicate} wrote. */
    public record Large(Path dir, String appId, long bytes, long taskEnds, long copies) {

        /** How many times each task of the real run appears in the large log. */
        public long factor() {
            return copies + 1;
        }
    }

    /**
     * A large event log made of a real one: its events in order, the task-end events of the real run repeated
     * after the last one until the file holds at least {@code minBytes} (plain JSON, as Spark writes uncompressed).
     * Every additive figure of the summary is the real run's times {@link Large#factor()}.
     */
    public static Large replicate(Path events, Path target, long minBytes) throws IOException {
        String appId = appId(events);
        EventLogDirectory source = EventLogDirectory.local(events);
        List<String> files = source.list("").stream()
                .filter(n -> n.contains("/events_") || !n.contains("/"))
                .sorted(java.util.Comparator.comparingLong(
                        n -> n.contains("/events_") ? Long.parseLong(n.replaceFirst(".*/events_(\\d+)_.*", "$1")) : 0))
                .toList();
        List<String> lines = new ArrayList<>();
        for (String f : files) {
            try (InputStream in = EventLogCodec.ofName(f).decode(source.open(f));
                    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                r.lines().forEach(lines::add);
            }
        }
        List<String> taskEnds = lines.stream()
                .filter(l -> l.startsWith("{\"Event\":\"SparkListenerTaskEnd\""))
                .toList();
        int last = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (taskEnds.contains(lines.get(i))) {
                last = i;
            }
        }
        Files.createDirectories(target);
        Path file = target.resolve(appId);
        long bytes = 0;
        long copies = 0;
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < lines.size(); i++) {
                w.write(lines.get(i));
                w.write('\n');
                bytes += lines.get(i).length() + 1;
                if (i == last) {
                    long size = taskEnds.stream().mapToLong(l -> l.length() + 1).sum();
                    long needed = Math.max(0, (minBytes - sizeOf(lines) + size - 1) / size);
                    for (long c = 0; c < needed; c++) {
                        for (String t : taskEnds) {
                            w.write(t);
                            w.write('\n');
                        }
                        bytes += size;
                    }
                    copies = needed;
                }
            }
        }
        return new Large(target, appId, Files.size(file), taskEnds.size(), copies);
    }

    private static void delete(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // a temp dir left behind is harmless
        }
    }

    private static long sizeOf(List<String> lines) {
        return lines.stream().mapToLong(l -> l.length() + 1).sum();
    }
}
