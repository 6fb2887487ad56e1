package io.platyspark.backend.local;

import io.platyspark.core.backend.LogStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One spark-submit process of the local backend. Its stdout and stderr are interleaved, in arrival order, into one
 * file whose lines carry their stream, so log pages have stable offsets while the app runs. When the process ends
 * and both streams are drained, its exit record is written next to the log: that survives a server restart.
 */
final class LocalRun {

    static final String LOG_FILE = "output.log";
    static final String EXIT_FILE = "exit";
    static final String KILLED_MARK = "killed";
    /** The process's pid and start time, so a later life of the server finds it again and no other process. */
    static final String PID_FILE = "pid";

    private static final Logger log = LoggerFactory.getLogger(LocalRun.class);
    private static final Pattern SPARK_UI = Pattern.compile("Successfully started service 'SparkUI' on port (\\d+)");
    /** What a driver on a standalone master logs once the master took it: the id the master lists it under. */
    private static final Pattern CLUSTER_APP_ID = Pattern.compile("Connected to Spark cluster with app ID (\\S+)");

    private final Path dir;
    private final String uiHost;
    private final Process process;
    private final Writer writer;
    private final CompletableFuture<ExitRecord> exit = new CompletableFuture<>();
    private final Runnable onChange;
    private volatile String sparkUiUrl;
    private volatile String clusterAppId;
    private volatile boolean killRequested;

    private LocalRun(Path dir, String uiHost, Process process, Runnable onChange) throws IOException {
        this.dir = dir;
        this.uiHost = uiHost;
        this.process = process;
        this.onChange = onChange;
        this.writer = Files.newBufferedWriter(
                dir.resolve(LOG_FILE), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Starts the process. {@code onChange} is called, on a thread of the run's, when something the status shows
     * changes: the Spark UI comes up, or the run ends and its exit record is written.
     */
    static LocalRun start(Path dir, ProcessBuilder builder, String appId, String uiHost, Runnable onChange)
            throws IOException {
        Files.createDirectories(dir);
        Process process = builder.start();
        LocalRun run;
        try {
            Files.writeString(
                    dir.resolve(PID_FILE),
                    process.pid() + " "
                            + process.toHandle()
                                    .info()
                                    .startInstant()
                                    .map(java.time.Instant::toEpochMilli)
                                    .orElse(-1L) + "\n",
                    StandardCharsets.UTF_8);
            run = new LocalRun(dir, uiHost, process, onChange);
        } catch (IOException | RuntimeException e) {
            // Untracked, it would run on unseen and a retry would start it a second time.
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw e;
        }
        Thread out = pump(run, process.getInputStream(), LogStream.STDOUT, "platy-local-out-" + appId);
        Thread err = pump(run, process.getErrorStream(), LogStream.STDERR, "platy-local-err-" + appId);
        process.onExit().thenRunAsync(() -> run.finish(out, err));
        return run;
    }

    private static Thread pump(LocalRun run, InputStream stream, LogStream kind, String name) {
        Thread thread = new Thread(
                () -> {
                    try (BufferedReader reader =
                            new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = reader.readLine()) != null) {
                            run.append(kind, line);
                        }
                    } catch (IOException e) {
                        log.debug("{} closed: {}", name, e.getMessage());
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void append(LogStream stream, String line) throws IOException {
        if (stream == LogStream.STDERR && sparkUiUrl == null) {
            Matcher m = SPARK_UI.matcher(line);
            if (m.find()) {
                sparkUiUrl = "http://" + uiHost + ":" + m.group(1);
                notifyChange();
            }
        }
        if (stream == LogStream.STDERR && clusterAppId == null) {
            Matcher m = CLUSTER_APP_ID.matcher(line);
            if (m.find()) {
                clusterAppId = m.group(1);
                notifyChange();
            }
        }
        synchronized (writer) {
            writer.write(LocalLogFile.encode(stream, line));
            writer.write('\n');
            writer.flush();
        }
    }

    private void finish(Thread out, Thread err) {
        try {
            out.join();
            err.join();
            synchronized (writer) {
                writer.close();
            }
            ExitRecord record = new ExitRecord(process.exitValue(), killRequested);
            Files.writeString(dir.resolve(EXIT_FILE), record.encode(), StandardCharsets.UTF_8);
            exit.complete(record);
            notifyChange();
        } catch (IOException e) {
            exit.completeExceptionally(new UncheckedIOException(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit.completeExceptionally(e);
        }
    }

    private void notifyChange() {
        try {
            onChange.run();
        } catch (RuntimeException e) {
            log.debug("change listener failed: {}", e.toString());
        }
    }

    long pid() {
        return process.pid();
    }

    Process process() {
        return process;
    }

    String sparkUiUrl() {
        return sparkUiUrl;
    }

    /** The id a standalone master gave the app (null in local mode, or before the master took it). */
    String clusterAppId() {
        return clusterAppId;
    }

    boolean isFinished() {
        return exit.isDone();
    }

    ExitRecord exitRecord() {
        return exit.getNow(null);
    }

    CompletableFuture<ExitRecord> exit() {
        return exit;
    }

    void markKillRequested() {
        killRequested = true;
    }

    /** How a run ended: its exit code and whether the platform killed it. */
    record ExitRecord(int code, boolean killed) {

        String encode() {
            return code + (killed ? " " + KILLED_MARK : "") + "\n";
        }

        static ExitRecord decode(String text) {
            String[] parts = text.trim().split("\\s+");
            return new ExitRecord(Integer.parseInt(parts[0]), parts.length > 1 && KILLED_MARK.equals(parts[1]));
        }
    }
}
