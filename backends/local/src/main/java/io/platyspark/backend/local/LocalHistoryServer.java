package io.platyspark.backend.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pyspark's own Spark History Server ({@code org.apache.spark.deploy.history.HistoryServer}, what
 * {@code sbin/start-history-server.sh} starts) on the local backend's event-log directory, for the embedded mode:
 * an ended app's link opens its Spark UI. It runs in the foreground as a child of this JVM (not daemonised as the
 * sbin script does), so stopping the server, or this JVM ending, stops it. One per event-log directory in a JVM:
 * several application contexts on the same directory (tests) share it, and the last to stop stops it.
 */
public final class LocalHistoryServer {

    private static final Logger log = LoggerFactory.getLogger(LocalHistoryServer.class);
    private static final Map<Path, Running> RUNNING = new HashMap<>();

    private final Path logDir;
    private final String url;
    private boolean stopped;

    private record Running(Process process, String url, int users) {}

    private LocalHistoryServer(Path logDir, String url) {
        this.logDir = logDir;
        this.url = url;
    }

    /**
     * Starts the History Server on {@code logDir}, or joins the one this JVM already runs there.
     *
     * @param port its UI port; 0 picks a free one
     * @param host the host name put in its URL (as users reach this machine)
     */
    public static synchronized LocalHistoryServer start(
            Path sparkHome, Path logDir, String host, int port, Path workDir) {
        Path dir = logDir.toAbsolutePath().normalize();
        Running running = RUNNING.get(dir);
        if (running != null && running.process.isAlive()) {
            RUNNING.put(dir, new Running(running.process, running.url, running.users + 1));
            return new LocalHistoryServer(dir, running.url);
        }
        try {
            Files.createDirectories(dir);
            Files.createDirectories(workDir);
            int chosen = port == 0 ? freePort() : port;
            ProcessBuilder builder = new ProcessBuilder(
                            sparkHome.resolve("bin").resolve("spark-class").toString(),
                            "org.apache.spark.deploy.history.HistoryServer")
                    .redirectErrorStream(true)
                    .redirectOutput(workDir.resolve("history-server.log").toFile());
            Map<String, String> env = builder.environment();
            env.put("SPARK_HOME", sparkHome.toString());
            env.putIfAbsent("JAVA_HOME", System.getProperty("java.home"));
            env.put("SPARK_DAEMON_MEMORY", "512m");
            env.put(
                    "SPARK_HISTORY_OPTS",
                    String.join(
                            " ",
                            "-Dspark.history.fs.logDirectory=" + dir.toUri(),
                            "-Dspark.history.ui.port=" + chosen,
                            // a newcomer's app shows up seconds after it ends, not at the default 10 s scan
                            "-Dspark.history.fs.update.interval=2s",
                            "-Dspark.history.fs.cleaner.enabled=false"));
            Process process = builder.start();
            String url = "http://" + host + ":" + chosen;
            RUNNING.put(dir, new Running(process, url, 1));
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "history-server-stop"));
            log.info(
                    "started Spark's History Server at {} on {} (pid {}, log {})",
                    url,
                    dir,
                    process.pid(),
                    workDir.resolve("history-server.log"));
            return new LocalHistoryServer(dir, url);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Spark's History Server: " + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Its base URL: {@code /history/<app id>/} below it is an app's UI. */
    public String url() {
        return url;
    }

    /** Whether this JVM's History Server on {@code logDir} runs (tests check it is started once and stopped). */
    public static synchronized boolean running(Path logDir) {
        Running running = RUNNING.get(logDir.toAbsolutePath().normalize());
        return running != null && running.process.isAlive();
    }

    /** Leaves the server; the last user stops it. */
    public synchronized void stop() {
        synchronized (LocalHistoryServer.class) {
            if (stopped) {
                return;
            }
            stopped = true;
            Running running = RUNNING.get(logDir);
            if (running == null) {
                return;
            }
            if (running.users > 1) {
                RUNNING.put(logDir, new Running(running.process, running.url, running.users - 1));
                return;
            }
            RUNNING.remove(logDir);
            running.process.toHandle().descendants().forEach(ProcessHandle::destroy);
            running.process.destroy();
            log.info("stopped Spark's History Server on {}", logDir);
        }
    }
}
