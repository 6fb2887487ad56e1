package io.platyspark.backend.local;

import io.platyspark.core.app.AppLinks;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.backend.BackendAppStatus;
import io.platyspark.core.backend.BackendBusyException;
import io.platyspark.core.backend.BackendRejectedException;
import io.platyspark.core.backend.BackendSubmission;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.EventLogDirectory;
import io.platyspark.core.backend.HistoryLinks;
import io.platyspark.core.backend.LogPage;
import io.platyspark.core.backend.SparkBackend;
import io.platyspark.core.backend.SparkEventLogConf;
import io.platyspark.core.backend.SparkEventLogMetrics;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs apps with {@code spark-submit --master local[*]} on the server's machine: the embedded default, and the
 * same path through the API, state machine and store as a real cluster.
 */
public class LocalSparkBackend implements SparkBackend {

    static final String EVENTS_DIR = "events";
    /** The working directory of a run that has archives to unpack ({@link #localizeArchives}). */
    static final String WORK_DIR = "work";

    public static final String NAME = "local";

    private static final Logger log = LoggerFactory.getLogger(LocalSparkBackend.class);

    /** Spark's line naming the event log it writes, and with it the app's Spark id. */
    /** The driver's line naming its event log: a local-mode id, or the id a standalone master gave the app. */
    private static final Pattern EVENT_LOG_LINE = Pattern.compile("Logging events to \\S*?(local-\\d+|app-\\d+-\\d+)");

    private final LocalSparkProperties properties;
    private final ConcurrentMap<UUID, LocalRun> runs = new ConcurrentHashMap<>();
    private volatile SparkEventLogConf eventLogConf = SparkEventLogConf.DEFAULT;
    private volatile String historyServerUrl;
    private volatile Optional<Path> sparkHome;
    private volatile Runnable onChange = () -> {};

    public LocalSparkBackend(LocalSparkProperties properties) {
        this.properties = properties;
    }

    /**
     * Event logs written with these settings, and ended apps linked to the History Server at {@code serverUrl}
     * (null: no link).
     */
    public LocalSparkBackend withHistory(SparkEventLogConf conf, String serverUrl) {
        this.eventLogConf = conf;
        this.historyServerUrl = serverUrl;
        return this;
    }

    /**
     * The one directory every local app writes its event log to: the local cluster's, which the embedded History
     * Server reads (it reads one directory, not a tree).
     */
    /**
     * Where the apps of {@code cluster} write their event logs. Spark names a log by its app id, which is unique on
     * one machine in local mode but only per master on standalone clusters (two masters both hand out
     * {@code app-<second>-0000}), so a backend with several clusters gives each its own directory.
     */
    protected Path eventLogDir(Cluster cluster) {
        return eventLogDir();
    }

    public Path eventLogDir() {
        return properties.workDir().resolve("event-logs");
    }

    /**
     * Called when a run's status changes (its Spark UI comes up, it ends), so a reconciler in this process can record
     * the change at once instead of at its next cycle: a short app is then seen running, with its UI link.
     */
    @Override
    public void onChange(Runnable listener) {
        this.onChange = listener;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(Cluster cluster) {
        return cluster.kind() == ClusterKind.LOCAL;
    }

    /** The Spark distribution this backend runs, found once. */
    public Optional<Path> sparkHome() {
        Optional<Path> home = sparkHome;
        if (home == null) {
            home = SparkSubmitLocator.locateSparkHome(
                    properties.sparkHome(), System.getenv("SPARK_HOME"), properties.python());
            home.ifPresentOrElse(
                    h -> log.info("local Spark found at {}", h),
                    () -> log.warn(
                            "no local Spark found: set platy.local.spark-home or SPARK_HOME, or install "
                                    + "pyspark into {}",
                            properties.python()));
            sparkHome = home;
        }
        return home;
    }

    @Override
    public synchronized BackendSubmission submit(Cluster cluster, SparkApp app) {
        LocalRun existing = runs.get(app.id());
        if (existing != null) {
            return new BackendSubmission(String.valueOf(existing.pid()), null, links(existing), true);
        }
        Path dir = appDir(app.id());
        if (Files.exists(dir.resolve(LocalRun.LOG_FILE))) {
            // Started before a restart of this server: adopt (with the pid it ran as), never run it twice.
            String pid = readPidFile(dir)
                    .map(p -> String.valueOf(p.pid()))
                    .orElse(dir.getFileName().toString());
            return new BackendSubmission(pid, null, AppLinks.NONE, true);
        }
        long running = runs.values().stream().filter(r -> !r.isFinished()).count();
        if (running >= properties.maxConcurrentApps()) {
            throw new BackendBusyException(
                    NAME,
                    "the local backend already runs " + running
                            + " apps (platy.local.max-concurrent-apps); the app waits for a free slot");
        }
        Path source = localSource(app.source());
        Path home = sparkHome()
                .orElseThrow(() -> new BackendRejectedException("no local Spark found: set "
                        + "platy.local.spark-home or SPARK_HOME, or install pyspark into " + properties.python()));
        ProcessBuilder builder;
        List<Path> localized;
        try {
            localized = localizeArchives(dir.resolve(WORK_DIR), app.sparkConf().get("spark.archives"));
            builder = new ProcessBuilder(command(
                            home,
                            cluster,
                            app,
                            source,
                            writeConf(home, dir, app, defaultConf(cluster), eventLogConf, eventLogDir(cluster))))
                    .directory((localized.isEmpty() ? source.getParent() : dir.resolve(WORK_DIR)).toFile());
        } catch (IOException e) {
            throw new BackendUnavailableException(NAME, "could not prepare the app's run: " + e.getMessage(), e);
        }
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("PYSPARK_PYTHON", properties.python());
        env.put("PYSPARK_DRIVER_PYTHON", properties.python());
        try {
            customize(cluster, app, dir, builder);
        } catch (IOException e) {
            throw new BackendUnavailableException(name(), "could not prepare the app's run: " + e.getMessage(), e);
        }
        try {
            LocalRun run = LocalRun.start(dir, builder, app.id().toString(), properties.uiHost(), () -> onChange.run());
            runs.put(app.id(), run);
            // An unpacked environment is hundreds of MB; the archive stays in the artifact store.
            run.exit().whenComplete((exit, error) -> localized.forEach(LocalSparkBackend::deleteTree));
            log.info("started local app {} as pid {}", app.id(), run.pid());
            return new BackendSubmission(String.valueOf(run.pid()), null, AppLinks.NONE, false);
        } catch (IOException e) {
            throw new BackendUnavailableException(NAME, "could not start spark-submit: " + e.getMessage(), e);
        }
    }

    /**
     * The app's Spark conf goes in an owner-only properties file, not on the command line, where any user of the
     * machine could read secrets in the process table. The distribution's spark-defaults come first, since a
     * properties file replaces them.
     */
    private static Path writeConf(
            Path home,
            Path dir,
            SparkApp app,
            Map<String, String> clusterConf,
            SparkEventLogConf eventLogs,
            Path eventLogDir)
            throws IOException {
        Properties conf = new Properties();
        Path defaults = home.resolve("conf").resolve("spark-defaults.conf");
        if (Files.isReadable(defaults)) {
            try (var in = Files.newBufferedReader(defaults, StandardCharsets.UTF_8)) {
                conf.load(in);
            }
        }
        conf.setProperty("spark.ui.showConsoleProgress", "false");
        // The event log gives the app's metrics once it has ended (the UI goes with the process), and the History
        // Server's UI of it.
        Files.createDirectories(eventLogDir);
        eventLogs.sparkConf(eventLogDir.toUri().toString()).forEach(conf::setProperty);
        conf.putAll(clusterConf);
        conf.putAll(app.sparkConf());
        Files.createDirectories(dir);
        Path file = dir.resolve("spark-conf.properties");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            conf.store(out, "written by PlatySpark for app " + app.id());
        }
        return file;
    }

    /**
     * Unpacks each {@code spark.archives} entry named with {@code #alias} into {@code workDir/alias}, the working
     * directory the run is started in, and returns what it unpacked. On a cluster, YARN (or Kubernetes, or a
     * standalone worker) puts each archive in every container's working directory before the driver and the
     * executors start, which is what {@code spark.pyspark.python=./environment/bin/python} relies on. In local mode
     * Spark unpacks archives only into a temporary directory of its own, and only once the driver has already
     * started, so this backend plays the cluster's part: the driver and the Python workers (started in the same
     * working directory) find {@code ./environment} as they would on a node. Nothing here is specific to Python
     * environments.
     */
    static List<Path> localizeArchives(Path workDir, String archives) throws IOException {
        List<Path> unpacked = new ArrayList<>();
        if (archives == null || archives.isBlank()) {
            return unpacked;
        }
        for (String entry : archives.split(",")) {
            String spec = entry.strip();
            int hash = spec.lastIndexOf('#');
            if (spec.isEmpty() || hash < 0) {
                continue; // no alias: nothing relies on where it is unpacked
            }
            String alias = spec.substring(hash + 1);
            if (!alias.matches("[A-Za-z0-9._-]+") || alias.startsWith(".")) {
                throw new BackendRejectedException("spark.archives entry '" + spec + "': the name after # must be "
                        + "a plain directory name such as environment");
            }
            Path archive = localSource(spec.substring(0, hash));
            String name = archive.getFileName().toString();
            if (!name.endsWith(".tar.gz") && !name.endsWith(".tgz") && !name.endsWith(".tar")) {
                throw new BackendRejectedException("spark.archives entry '" + spec + "': the local backend unpacks "
                        + ".tar.gz, .tgz and .tar archives");
            }
            Path target = workDir.resolve(alias);
            deleteTree(target);
            Files.createDirectories(target);
            Process tar = new ProcessBuilder("tar", "-xf", archive.toString(), "-C", target.toString())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!tar.waitFor(10, TimeUnit.MINUTES) || tar.exitValue() != 0) {
                    tar.destroyForcibly();
                    throw new IOException("tar could not unpack " + archive + ": " + output.strip());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while unpacking " + archive, e);
            }
            unpacked.add(target);
        }
        return unpacked;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    private List<String> command(Path home, Cluster cluster, SparkApp app, Path source, Path confFile) {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin").resolve("spark-submit").toString());
        cmd.add("--master");
        cmd.add(master(cluster));
        cmd.add("--name");
        cmd.add(app.name());
        cmd.add("--properties-file");
        cmd.add(confFile.toString());
        if (app.mainClass() != null) {
            cmd.add("--class");
            cmd.add(app.mainClass());
        }
        if (!app.pyFiles().isEmpty()) {
            cmd.add("--py-files");
            cmd.add(String.join(",", app.pyFiles()));
        }
        cmd.add(source.toString());
        cmd.addAll(app.args());
        return cmd;
    }

    /**
     * The Spark master the app is submitted to. The standalone backend reuses this class's runs (logs, exit
     * records, kill, restart adoption) and submits to its cluster's master instead of local mode.
     */
    protected String master(Cluster cluster) {
        return properties.master();
    }

    /** Spark conf defaults of the cluster the app runs on; the app's own conf wins over them. */
    protected Map<String, String> defaultConf(Cluster cluster) {
        return Map.of();
    }

    /** Last changes to the spark-submit process before it starts (its directory, its environment). */
    protected void customize(Cluster cluster, SparkApp app, Path appDir, ProcessBuilder builder) throws IOException {}

    private static Path localSource(String source) {
        Path path;
        if (source.startsWith("file:")) {
            path = Path.of(URI.create(source));
        } else if (source.startsWith("/")) {
            path = Path.of(source);
        } else {
            throw new BackendRejectedException("the local backend runs sources from the server's filesystem; '" + source
                    + "' is not a local path or file: URI");
        }
        if (!Files.isRegularFile(path)) {
            throw new BackendRejectedException("source " + path + " does not exist on the server's machine");
        }
        return path.toAbsolutePath().normalize();
    }

    @Override
    public Map<UUID, BackendAppStatus> status(Cluster cluster, Collection<SparkApp> apps) {
        Map<UUID, BackendAppStatus> result = new HashMap<>();
        for (SparkApp app : apps) {
            statusOf(cluster, app).ifPresent(status -> result.put(app.id(), status));
        }
        return result;
    }

    private Optional<BackendAppStatus> statusOf(Cluster cluster, SparkApp app) {
        LocalRun run = runs.get(app.id());
        if (run != null && !run.isFinished()) {
            return Optional.of(new BackendAppStatus(AppState.RUNNING, null, run.clusterAppId(), links(run)));
        }
        Path dir = appDir(app.id());
        Optional<LocalRun.ExitRecord> exit = run != null ? Optional.of(run.exitRecord()) : readExit(dir);
        if (exit.isPresent()) {
            return Optional.of(terminalStatus(cluster, app, dir, exit.get()));
        }
        if (!Files.exists(dir)) {
            return Optional.empty();
        }
        // Started by an earlier life of this server: its process may still run, but its output is gone with it.
        Optional<ProcessHandle> handle = earlierProcess(dir, app.backendId());
        if (handle.isPresent() && handle.get().isAlive()) {
            return Optional.of(new BackendAppStatus(AppState.RUNNING, null, null, AppLinks.NONE));
        }
        return Optional.of(new BackendAppStatus(
                AppState.LOST,
                "the local Spark process ended while the server was down; its exit status is unknown",
                null,
                AppLinks.NONE));
    }

    private BackendAppStatus terminalStatus(Cluster cluster, SparkApp app, Path dir, LocalRun.ExitRecord exit) {
        String sparkAppId = sparkAppId(dir.resolve(LocalRun.LOG_FILE));
        Map<String, Long> metrics = null;
        AppLinks links = AppLinks.NONE;
        if (sparkAppId != null) {
            try {
                Optional<SparkEventLogMetrics.Summary> summary =
                        SparkEventLogMetrics.summarize(EventLogDirectory.local(eventLogDir(cluster)), sparkAppId);
                metrics = summary.map(SparkEventLogMetrics.Summary::metrics).orElse(null);
                if (summary.isPresent()) {
                    links = new AppLinks(
                            HistoryLinks.appUrl(
                                    historyServerUrl, sparkAppId, summary.get().attemptId()),
                            null,
                            null);
                }
            } catch (IOException e) {
                log.warn("cannot read the event log of app {}: {}", app.id(), e.toString());
            }
        } else {
            // Ran before event logs were shared (each app had its own directory).
            metrics =
                    SparkEventLogMetrics.fromDirectory(dir.resolve(EVENTS_DIR)).orElse(null);
        }
        if (exit.killed()) {
            return new BackendAppStatus(AppState.KILLED, "killed on request", sparkAppId, links, metrics);
        }
        if (exit.code() == 0) {
            return new BackendAppStatus(AppState.SUCCEEDED, null, sparkAppId, links, metrics);
        }
        String cause;
        try {
            cause = LocalLogFile.failureSummary(dir.resolve(LocalRun.LOG_FILE));
        } catch (IOException e) {
            cause = null;
        }
        String reason = "spark-submit exited with code " + exit.code() + (cause != null ? ": " + cause : "");
        return new BackendAppStatus(AppState.FAILED, reason, sparkAppId, links, metrics);
    }

    /** The app's Spark id, from the line where Spark names its event log (early in the output); null if none. */
    private static String sparkAppId(Path logFile) {
        try (var lines = Files.lines(logFile, StandardCharsets.UTF_8)) {
            return lines.map(EVENT_LOG_LINE::matcher)
                    .filter(Matcher::find)
                    .map(m -> m.group(1))
                    .findFirst()
                    .orElse(null);
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }

    private static Optional<LocalRun.ExitRecord> readExit(Path dir) {
        try {
            return Optional.of(LocalRun.ExitRecord.decode(
                    Files.readString(dir.resolve(LocalRun.EXIT_FILE), StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public LogPage logs(Cluster cluster, SparkApp app, int from, int size) {
        try {
            return LocalLogFile.read(appDir(app.id()).resolve(LocalRun.LOG_FILE), from, size);
        } catch (IOException e) {
            throw new BackendUnavailableException(NAME, "cannot read the app's log: " + e.getMessage(), e);
        }
    }

    @Override
    public void kill(Cluster cluster, SparkApp app) {
        LocalRun run = runs.get(app.id());
        if (run == null) {
            earlierProcess(appDir(app.id()), app.backendId()).ifPresent(this::destroyTree);
            return;
        }
        if (run.isFinished()) {
            return;
        }
        run.markKillRequested();
        destroyTree(run.process().toHandle());
        try {
            run.exit().get(properties.killGracePeriod().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("app {} did not stop within {}; forcing it", app.id(), properties.killGracePeriod());
            run.process().toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            run.process().destroyForcibly();
            run.exit().join();
        } catch (ExecutionException e) {
            throw new BackendUnavailableException(NAME, "could not record the kill: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException(NAME, "interrupted while killing", e);
        }
    }

    private void destroyTree(ProcessHandle handle) {
        handle.descendants().forEach(ProcessHandle::destroy);
        handle.destroy();
    }

    /** Stops every app this backend started; called when the server shuts down. */
    public void shutdown() {
        runs.values().stream().filter(r -> !r.isFinished()).forEach(r -> {
            r.process().toHandle().descendants().forEach(ProcessHandle::destroy);
            r.process().destroy();
        });
    }

    private Path appDir(UUID id) {
        return properties.workDir().resolve(id.toString());
    }

    private static AppLinks links(LocalRun run) {
        return new AppLinks(run.sparkUiUrl(), null, null);
    }

    /**
     * The process an earlier life of this server started for the app, if it still runs: the one with the pid and
     * start time recorded at its start, so a pid the system has since given to another process is not mistaken
     * for it. Runs recorded before pid files existed fall back to the pid in the app's backend id.
     */
    private Optional<ProcessHandle> earlierProcess(Path dir, String backendId) {
        if (!Files.exists(dir.resolve(LocalRun.PID_FILE))) {
            return parsePid(backendId).flatMap(ProcessHandle::of);
        }
        return readPidFile(dir)
                .flatMap(recorded -> ProcessHandle.of(recorded.pid())
                        .filter(h -> recorded.startedMillis() < 0
                                || h.info()
                                        .startInstant()
                                        // The JDK derives start times from the boot time in whole seconds, which a
                                        // clock step moves.
                                        .map(at -> Math.abs(at.toEpochMilli() - recorded.startedMillis()) <= 2000)
                                        .orElse(false)));
    }

    /** What {@link LocalRun} recorded of its process: pid and start time (-1 when the OS did not say). */
    private record PidFile(long pid, long startedMillis) {}

    private static Optional<PidFile> readPidFile(Path dir) {
        Path file = dir.resolve(LocalRun.PID_FILE);
        try {
            String[] fields =
                    Files.readString(file, StandardCharsets.UTF_8).strip().split(" ");
            return Optional.of(new PidFile(Long.parseLong(fields[0]), Long.parseLong(fields[1])));
        } catch (IOException | RuntimeException e) {
            if (Files.exists(file)) {
                log.warn("unreadable pid file {}: {}", file, e.toString());
            }
            return Optional.empty();
        }
    }

    private static Optional<Long> parsePid(String backendId) {
        try {
            return backendId == null ? Optional.empty() : Optional.of(Long.parseLong(backendId));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
