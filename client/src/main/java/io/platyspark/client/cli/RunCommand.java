package io.platyspark.client.cli;

import io.platyspark.client.Model;
import io.platyspark.client.PlatyClient;
import io.platyspark.client.PlatyTransportException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code platy run}: what PlatySpark's RunApp operator does. Gets or creates the cluster (server-side, from
 * {@code --cluster-config}), uploads a local file or directory, submits with an idempotency key, and with
 * {@code --follow} streams state changes and log lines, prints the Spark UI and log links as they appear, and ends
 * with a summary. Exits 0 only when the app SUCCEEDED.
 */
@Command(name = "run", description = "Run a Spark app (a .py, a jar, a project directory or an s3:// URI).")
final class RunCommand extends PlatyCli.Sub implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SOURCE", description = "file.py | app.jar | project dir | s3://...")
    String source;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "arguments for the app (after --)")
    List<String> args = new ArrayList<>();

    @Option(names = "--cluster", description = "the cluster to run on")
    String cluster;

    @Option(names = "--cluster-config", description = "ClusterConfig JSON: create the cluster when missing")
    Path clusterConfig;

    @Option(
            names = "--node-requirements",
            description = "with --cluster-config: a requirements.txt installed on "
                    + "every node of the new cluster at start-up (a bootstrap action)")
    Path nodeRequirements;

    @Option(names = "--shared", description = "run on the shared cluster")
    boolean shared;

    @Option(names = "--requirements", description = "a requirements.txt for the app's Python environment")
    Path requirements;

    @Option(names = "--class", description = "main class (jar sources)")
    String mainClass;

    @Option(names = "--conf", description = "Spark conf k=v (repeatable)")
    Map<String, String> conf = new LinkedHashMap<>();

    @Option(names = "--py-files", split = ",", description = "extra .py/.zip files (local ones are uploaded)")
    List<String> pyFiles = new ArrayList<>();

    @Option(names = "--entry-point", defaultValue = "main.py", description = "for a directory: its main file")
    String entryPoint;

    @Option(names = "--name", description = "app name (default: the source's file name)")
    String name;

    @Option(names = "--team", description = "team (default: the token's)")
    String team;

    @Option(names = "--follow", description = "stream state and logs until the app ends")
    boolean follow;

    @Option(names = "--idempotency-key", description = "makes re-running this command safe (default: random)")
    String idempotencyKey;

    @Option(
            names = "--poll-interval",
            defaultValue = "2s",
            converter = PlatyCli.DurationConverter.class,
            description = "how often --follow asks for the app's state and logs: 2, 2s, PT2S (default 2s)")
    Duration pollInterval;

    @Override
    public Integer call() throws Exception {
        String target = cluster != null ? cluster : shared ? "shared" : null;
        if (target == null) {
            throw new PlatyCli.UsageException("give --cluster NAME or --shared");
        }
        // Every local mistake is found before anything is uploaded or submitted.
        checkLocalInputs();
        List<String> requirementLines = requirements == null
                ? null
                : Files.readAllLines(requirements).stream()
                        .map(String::strip)
                        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .toList();
        Map<String, Object> config = clusterConfig == null
                ? null
                : ClustersCommand.withNodeRequirements(
                        ClustersCommand.readConfig(root, clusterConfig), nodeRequirements, "--node-requirements");
        PlatyClient client = root.client();
        PrintWriter out = root.out();
        Staged staged = stage(client, out);
        String key = idempotencyKey != null ? idempotencyKey : UUID.randomUUID().toString();
        Model.App app = client.submit(
                new Model.SubmitRequest(
                        name != null ? name : defaultName(),
                        team,
                        target,
                        staged.source(),
                        mainClass,
                        args,
                        conf,
                        staged.pyFiles().isEmpty() ? null : staged.pyFiles(),
                        requirementLines,
                        null,
                        config),
                key);
        out.println("submitted app " + app.id() + " (" + app.name() + ") to cluster " + app.cluster() + ": "
                + app.state() + " [request " + app.requestId() + "]");
        out.flush();
        if (!follow) {
            if (root.jsonOutput()) {
                root.printJson(app);
            }
            return 0;
        }
        return follow(client, app, out);
    }

    private int follow(PlatyClient client, Model.App submitted, PrintWriter out) throws InterruptedException {
        Thread hook = new Thread(() -> onInterrupt(client, submitted.id(), out), "platy-ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            PlatyClient.LogFollower logs = new PlatyClient.LogFollower(client, submitted.id());
            Model.AppState lastState = submitted.state();
            String lastReason = submitted.stateReason();
            boolean uiShown = false;
            boolean logShown = false;
            Model.App app = submitted;
            while (true) {
                try {
                    app = client.app(submitted.id());
                    if (!Objects.equals(app.state(), lastState)) {
                        out.println("state: " + app.state()
                                + (app.stateReason() == null ? "" : " (" + app.stateReason() + ")"));
                    } else if (app.stateReason() != null && !Objects.equals(app.stateReason(), lastReason)) {
                        // A new reason in the same state (a failed submit attempt, a cluster still starting)
                        // is news: an app stuck PENDING must say why.
                        out.println("  " + app.state() + ": " + app.stateReason());
                    }
                    lastState = app.state();
                    lastReason = app.stateReason();
                    if (!uiShown && app.links() != null && app.links().sparkUi() != null) {
                        out.println("Spark UI: " + app.links().sparkUi());
                        uiShown = true;
                    }
                    if (!logShown && app.links() != null && app.links().driverLog() != null) {
                        out.println("Driver log: " + app.links().driverLog());
                        logShown = true;
                    }
                    for (Model.LogLine line : logs.poll()) {
                        out.println("[" + line.stream() + "] " + line.text());
                    }
                    out.flush();
                    if (app.finished()) {
                        break;
                    }
                } catch (PlatyTransportException e) {
                    // The server went away for a moment: resume where the log stopped, nothing twice.
                    out.println("  (connection lost: " + e.getCause().getMessage() + "; resuming)");
                    out.flush();
                }
                Thread.sleep(pollInterval.toMillis());
            }
            summary(out, app);
            if (root.jsonOutput()) {
                root.printJson(app);
            }
            return app.state() == Model.AppState.SUCCEEDED ? 0 : PlatyCli.APP_FAILED;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already
            }
        }
    }

    private void onInterrupt(PlatyClient client, String id, PrintWriter out) {
        try {
            Model.App app = client.app(id);
            if (app.finished()) {
                return;
            }
            if (System.console() == null) {
                out.println("\napp " + id + " is still " + app.state() + "; stop it with: platy apps kill " + id);
                out.flush();
                return;
            }
            System.out.print("\nKill app " + id + " (" + app.state() + ")? [y/N] ");
            System.out.flush();
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (answer != null && answer.trim().toLowerCase().startsWith("y")) {
                System.out.println("app " + id + " " + client.kill(id).state());
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("could not ask about app " + id + ": " + e.getMessage());
        }
    }

    private static void summary(PrintWriter out, Model.App app) {
        out.println("app " + app.id() + " ended " + app.state() + duration(app)
                + (app.stateReason() == null ? "" : ": " + app.stateReason()));
        Map<String, Long> m = app.metrics();
        if (m != null && !m.isEmpty()) {
            out.printf(
                    "metrics: %s jobs, %s tasks (%s failed), executor run time %s ms, GC %s ms, read %s records / "
                            + "%s bytes, wrote %s records / %s bytes, shuffle %s bytes written / %s read, spilled %s "
                            + "bytes to disk, peak executor heap %s bytes%n",
                    m.get("jobs"),
                    m.get("tasks"),
                    m.get("failedTasks"),
                    m.get("executorRunTimeMs"),
                    m.get("jvmGcTimeMs"),
                    m.get("inputRecords"),
                    m.get("inputBytes"),
                    m.get("outputRecords"),
                    m.get("outputBytes"),
                    m.get("shuffleWriteBytes"),
                    m.get("shuffleReadBytes"),
                    m.get("diskBytesSpilled"),
                    m.get("peakJvmHeapBytes"));
        }
        out.flush();
    }

    static void describe(PrintWriter out, Model.App app) {
        out.println(app.id() + "  " + app.name() + "  team=" + app.team() + "  cluster=" + app.cluster() + "  "
                + app.state() + (app.stateReason() == null ? "" : " (" + app.stateReason() + ")"));
        if (app.links() != null) {
            if (app.links().sparkUi() != null) {
                out.println("  Spark UI:   " + app.links().sparkUi());
            }
            if (app.links().driverLog() != null) {
                out.println("  Driver log: " + app.links().driverLog());
            }
            if (app.links().dashboard() != null) {
                out.println("  Dashboard:  " + app.links().dashboard());
            }
        }
        // An app still queued or running has not ended: its state is on the first line already.
        if (app.finished()) {
            summary(out, app);
        } else {
            out.flush();
        }
    }

    private static String duration(Model.App app) {
        Instant start = app.startedAt() != null ? app.startedAt() : app.createdAt();
        if (start == null || app.finishedAt() == null) {
            return "";
        }
        return String.format(
                " in %.1f s", Duration.between(start, app.finishedAt()).toMillis() / 1000.0);
    }

    private String defaultName() {
        String base = source.replaceAll("/+$", "");
        base = base.substring(base.lastIndexOf('/') + 1).replaceAll("\\.(py|jar|zip)$", "");
        return base.replaceAll("[^A-Za-z0-9._ -]", "-");
    }

    private record Staged(String source, List<String> pyFiles) {}

    /** Local files go up to the server's artifact store; remote URIs are used as they are. */
    private Staged stage(PlatyClient client, PrintWriter out) throws IOException {
        List<String> files = new ArrayList<>();
        for (String pyFile : pyFiles) {
            files.add(isRemote(pyFile) ? pyFile : upload(client, out, Path.of(pyFile)));
        }
        if (isRemote(source)) {
            return new Staged(source, files);
        }
        Path local = Path.of(source).toAbsolutePath();
        if (Files.isDirectory(local)) {
            Path main = local.resolve(entryPoint);
            Path zip = Files.createTempFile("platy-project-", ".zip");
            try {
                zip(local, zip);
                files.add(0, upload(client, out, zip, local.getFileName() + ".zip"));
            } finally {
                Files.deleteIfExists(zip);
            }
            return new Staged(upload(client, out, main), files);
        }
        return new Staged(upload(client, out, local), files);
    }

    /** The local files this run names exist and are readable: a one-line usage error otherwise. */
    private void checkLocalInputs() {
        for (String pyFile : pyFiles) {
            if (!isRemote(pyFile)) {
                requireFile(Path.of(pyFile), "--py-files");
            }
        }
        if (nodeRequirements != null && clusterConfig == null) {
            throw new PlatyCli.UsageException(
                    "--node-requirements needs --cluster-config: they become part of the " + "new cluster's config");
        }
        if (nodeRequirements != null) {
            requireFile(nodeRequirements, "--node-requirements");
        }
        if (requirements != null) {
            requireFile(requirements, "--requirements");
        }
        if (clusterConfig != null) {
            requireFile(clusterConfig, "--cluster-config");
        }
        if (isRemote(source)) {
            return;
        }
        Path local = Path.of(source).toAbsolutePath();
        if (Files.isDirectory(local)) {
            if (!Files.isRegularFile(local.resolve(entryPoint))) {
                throw new PlatyCli.UsageException(
                        local + " is a directory without " + entryPoint + "; name its main file with --entry-point");
            }
        } else {
            requireFile(local, "SOURCE");
        }
    }

    static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new PlatyCli.UsageException(what + ": no such file: " + file.toAbsolutePath());
        }
        if (!Files.isReadable(file)) {
            throw new PlatyCli.UsageException(what + ": cannot read " + file.toAbsolutePath());
        }
    }

    private static boolean isRemote(String location) {
        return location.matches("[A-Za-z][A-Za-z0-9+.-]*://.*") || location.startsWith("local:");
    }

    private static String upload(PlatyClient client, PrintWriter out, Path file) {
        return upload(client, out, file, file.getFileName().toString());
    }

    private static String upload(PlatyClient client, PrintWriter out, Path file, String name) {
        Model.Artifact artifact = client.upload(file, name);
        out.println((artifact.alreadyPresent() ? "already uploaded " : "uploaded ") + name + " -> " + artifact.uri());
        out.flush();
        return artifact.uri();
    }

    /** A zip of the project for --py-files: sorted entries, fixed times, no caches; the same tree, the same bytes. */
    static void zip(Path dir, Path zip) throws IOException {
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(dir)) {
            entries = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (ZipOutputStream zipOut = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Path file : entries) {
                String entryName = dir.relativize(file).toString().replace('\\', '/');
                if (entryName.contains("__pycache__/") || entryName.endsWith(".pyc") || entryName.startsWith(".")) {
                    continue;
                }
                ZipEntry entry = new ZipEntry(entryName);
                entry.setTime(315532800000L);
                zipOut.putNextEntry(entry);
                Files.copy(file, zipOut);
                zipOut.closeEntry();
            }
        }
    }
}
