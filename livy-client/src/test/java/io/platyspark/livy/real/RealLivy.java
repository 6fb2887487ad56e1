package io.platyspark.livy.real;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The published Apache Livy server (0.7.1-incubating, its jars copied by the {@code livy-test-server} module), run
 * for the tests on a free port with {@code local[2]} and pyspark's Spark ({@code SPARK_HOME} = the pyspark package
 * of {@code -Dplaty.test.python}). Started once per JVM by {@link #shared()} and stopped when the JVM ends; a test
 * that needs it fails with the reason when it cannot start, it is never skipped.
 *
 * <p>Facts that shaped the launch: Livy reads its configuration directory from {@code LIVY_CONF_DIR} (a system
 * property is ignored) and needs {@code LIVY_LOG_DIR}; local {@code file:} sources must sit under
 * {@code livy.file.local-dir-whitelist} ({@link #localDir()}); recovery mode refuses a local master, so it stays
 * off. Java 17 runs it in batch mode without any {@code --add-opens}.
 */
public final class RealLivy {

    private static final Logger log = LoggerFactory.getLogger("real-livy");
    /** How long a finished batch stays listed: short, so the purge is seen within a test. */
    public static final Duration RETENTION = Duration.ofSeconds(20);
    /** How often Livy looks for batches past their retention. */
    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private static RealLivy shared;
    private static RuntimeException failedToStart;

    private final Process process;
    private final String url;
    private final Path localDir;
    private final Path logFile;
    private final Path home;

    private RealLivy(Process process, String url, Path home, Path localDir, Path logFile) {
        this.process = process;
        this.url = url;
        this.home = home;
        this.localDir = localDir;
        this.logFile = logFile;
    }

    /**
     * The one server of this JVM, started on first use. Fails (every time it is asked, with the first reason) when
     * it cannot start: the jars were not fetched, the Python has no pyspark, or the server did not come up.
     */
    public static synchronized RealLivy shared() {
        if (failedToStart != null) {
            throw failedToStart;
        }
        if (shared == null) {
            try {
                shared = start();
            } catch (RuntimeException e) {
                failedToStart = e;
                throw e;
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "real-livy-stop"));
        }
        return shared;
    }

    /** The base URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return url;
    }

    /** The directory Livy accepts local sources from ({@code livy.file.local-dir-whitelist}). */
    public Path localDir() {
        return localDir;
    }

    /** Where the server's own output goes, for a failing test's message. */
    public Path logFile() {
        return logFile;
    }

    private static RealLivy start() {
        Path jars = jarsDir();
        String python = System.getProperty("platy.test.python", "python3");
        String sparkHome = sparkHome(python);
        try {
            Path home = Files.createTempDirectory("platy-real-livy-").toRealPath();
            Path conf = Files.createDirectories(home.resolve("conf"));
            Path logs = Files.createDirectories(home.resolve("logs"));
            Path localDir = Files.createDirectories(home.resolve("artifacts"));
            int port = freePort();
            Files.writeString(
                    conf.resolve("livy.conf"),
                    String.join(
                            "\n",
                            "livy.server.host = 127.0.0.1",
                            "livy.server.port = " + port,
                            "livy.spark.master = local[2]",
                            "livy.file.local-dir-whitelist = " + localDir,
                            "livy.server.session.state-retain.sec = " + RETENTION.toSeconds() + "s",
                            "livy.server.session.timeout-check.interval = " + CHECK_INTERVAL.toSeconds() + "s",
                            ""));
            Files.writeString(
                    conf.resolve("log4j.properties"),
                    String.join(
                            "\n",
                            "log4j.rootCategory=INFO, console",
                            "log4j.appender.console=org.apache.log4j.ConsoleAppender",
                            "log4j.appender.console.target=System.err",
                            "log4j.appender.console.layout=org.apache.log4j.PatternLayout",
                            "log4j.appender.console.layout.ConversionPattern=%d{HH:mm:ss} %p %c{1}: %m%n",
                            ""));
            Path logFile = logs.resolve("livy-server.out");
            String javaBin =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(
                            javaBin,
                            "-Xmx512m",
                            "-cp",
                            conf + File.pathSeparator + jars.resolve("*"),
                            "org.apache.livy.server.LivyServer")
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            Map<String, String> env = builder.environment();
            env.put("LIVY_CONF_DIR", conf.toString());
            env.put("LIVY_LOG_DIR", logs.toString());
            env.put("SPARK_HOME", sparkHome);
            env.put("JAVA_HOME", System.getProperty("java.home"));
            // spark-submit runs the app with this Python (the one that has pyspark), on one machine.
            env.put("PYSPARK_PYTHON", python);
            env.put("PYSPARK_DRIVER_PYTHON", python);
            env.put("SPARK_LOCAL_IP", "127.0.0.1");
            env.remove("SPARK_CONF_DIR");
            Process process = builder.start();
            RealLivy livy = new RealLivy(process, "http://127.0.0.1:" + port, home, localDir, logFile);
            livy.awaitUp();
            log.info(
                    "real Livy 0.7.1 up at {} (SPARK_HOME {}, whitelist {}, log {})",
                    livy.url,
                    sparkHome,
                    localDir,
                    logFile);
            return livy;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the real Livy server: " + e, e);
        }
    }

    private static Path jarsDir() {
        String configured = System.getProperty("platy.test.livy.jars");
        Path dir = configured != null
                ? Path.of(configured)
                : Path.of(System.getProperty("platy.repo.root", ".."), "livy-test-server", "target", "livy-server");
        try (var files = Files.list(dir)) {
            if (files.anyMatch(f -> f.getFileName().toString().startsWith("livy-server-"))) {
                return dir.toAbsolutePath();
            }
        } catch (IOException e) {
            // reported below
        }
        throw new IllegalStateException("the real Livy server's jars are not in " + dir.toAbsolutePath()
                + ": the livy-test-server module copies them there during the build (run the tests through Maven "
                + "with -am, e.g. ./mvnw -pl spark-server -am verify), or point -Dplaty.test.livy.jars at them");
    }

    private static String sparkHome(String python) {
        try {
            Process probe = new ProcessBuilder(
                            python, "-c", "import os, pyspark; print(os.path.dirname(pyspark.__file__))")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!probe.waitFor(60, TimeUnit.SECONDS)
                    || probe.exitValue() != 0
                    || !Files.isRegularFile(Path.of(out, "bin", "spark-submit"))) {
                throw new IllegalStateException("the real Livy server needs SPARK_HOME from pyspark, but " + python
                        + " (-Dplaty.test.python) gave: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(
                    "the real Livy server needs pyspark's Spark, but " + python + " (-Dplaty.test.python) cannot run: "
                            + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while finding pyspark", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private void awaitUp() {
        try {
            Awaitility.await("the real Livy server at " + url)
                    .atMost(START_TIMEOUT)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> !process.isAlive() || answers());
        } catch (ConditionTimeoutException e) {
            String output = tail();
            stop();
            throw new IllegalStateException(
                    "the real Livy server did not answer at " + url + " within " + START_TIMEOUT + "; its output:\n"
                            + output,
                    e);
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("the real Livy server exited with " + process.exitValue()
                    + " while starting; its output (" + logFile + "):\n" + tail());
        }
    }

    private boolean answers() {
        try {
            HttpURLConnection connection =
                    (HttpURLConnection) URI.create(url + "/batches").toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(2000);
            return connection.getResponseCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /**
     * SIGTERM first: Livy then kills its spark-submit children itself. Whatever remains is killed, and the
     * server's directory (configuration, log, the apps' code) is removed.
     */
    private void stop() {
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try (var paths = Files.walk(home)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not remove {}: {}", home, e.toString());
        }
    }
}
