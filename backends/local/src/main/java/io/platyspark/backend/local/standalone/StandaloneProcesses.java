package io.platyspark.backend.local.standalone;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master and worker processes of the clusters on this machine. Each cluster's processes are recorded (pid and
 * start time) in its own directory, so a later life of the server finds them again, and never another process
 * that got the same pid. Daemons bind to 127.0.0.1 only, on ports free when they start.
 */
final class StandaloneProcesses {

    static final String HOST = "127.0.0.1";
    private static final String RECORD = "daemons.properties";
    private static final String STOPPED = "stopped";
    private static final Logger log = LoggerFactory.getLogger(StandaloneProcesses.class);

    private final Path workDir;
    private final StandaloneProperties properties;
    private final String python;
    /** Clusters this life of the server started or stopped: the ones it stops when it shuts down. */
    private final Set<UUID> owned = ConcurrentHashMap.newKeySet();

    StandaloneProcesses(Path workDir, StandaloneProperties properties, String python) {
        this.workDir = workDir;
        this.properties = properties;
        this.python = python;
    }

    /** A process as recorded when it started. */
    record Daemon(long pid, long startedMillis) {

        /** The recorded process if it still runs (not another one that got its pid since). */
        Optional<ProcessHandle> handle() {
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(h -> startedMillis < 0
                            // The JDK derives start times from the boot time in whole seconds, which a clock step
                            // moves.
                            || h.info()
                                    .startInstant()
                                    .map(at -> Math.abs(at.toEpochMilli() - startedMillis) <= 2000)
                                    .orElse(false));
        }

        boolean alive() {
            return handle().isPresent();
        }

        String encode() {
            return pid + ":" + startedMillis;
        }

        static Daemon decode(String text) {
            String[] parts = text.split(":");
            return new Daemon(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        }

        static Daemon of(Process process) {
            return new Daemon(
                    process.pid(),
                    process.toHandle()
                            .info()
                            .startInstant()
                            .map(Instant::toEpochMilli)
                            .orElse(-1L));
        }
    }

    /** A cluster's processes and addresses. */
    record Started(int masterPort, int webUiPort, Daemon master, List<Daemon> workers) {

        String masterUrl() {
            return "spark://" + HOST + ":" + masterPort;
        }

        URI webUi() {
            return URI.create("http://" + HOST + ":" + webUiPort);
        }
    }

    /** Starts a master and the sized workers for the cluster, and records them before returning. */
    synchronized Started start(UUID clusterId, Path sparkHome, StandaloneSizing sizing) throws IOException {
        Path dir = Files.createDirectories(dir(clusterId));
        Files.deleteIfExists(dir.resolve(STOPPED));
        owned.add(clusterId);
        int masterPort = freePort();
        int webUiPort = freePort();
        Path sparkClass = sparkHome.resolve("bin").resolve("spark-class");
        List<Process> started = new ArrayList<>();
        try {
            Process master = launch(
                    sparkHome,
                    dir,
                    "master",
                    List.of(
                            sparkClass.toString(),
                            "org.apache.spark.deploy.master.Master",
                            "--host",
                            HOST,
                            "--port",
                            String.valueOf(masterPort),
                            "--webui-port",
                            String.valueOf(webUiPort)));
            started.add(master);
            List<Daemon> workers = new ArrayList<>();
            for (int i = 1; i <= sizing.workers(); i++) {
                Path workerDir = Files.createDirectories(dir.resolve("worker-" + i));
                Process worker = launch(
                        sparkHome,
                        dir,
                        "worker-" + i,
                        List.of(
                                sparkClass.toString(),
                                "org.apache.spark.deploy.worker.Worker",
                                "--host",
                                HOST,
                                "--webui-port",
                                "0",
                                "--cores",
                                String.valueOf(sizing.coresPerWorker()),
                                "--memory",
                                sizing.memoryPerWorkerMb() + "m",
                                "--work-dir",
                                workerDir.toString(),
                                "spark://" + HOST + ":" + masterPort));
                started.add(worker);
                workers.add(Daemon.of(worker));
            }
            Started cluster = new Started(masterPort, webUiPort, Daemon.of(master), workers);
            write(dir, cluster);
            log.info(
                    "started Spark standalone cluster {}: master {} (pid {}), {} worker(s) of {} core(s) and {} MB",
                    clusterId,
                    cluster.masterUrl(),
                    master.pid(),
                    workers.size(),
                    sizing.coresPerWorker(),
                    sizing.memoryPerWorkerMb());
            return cluster;
        } catch (IOException | RuntimeException e) {
            // Unrecorded, they would run on unseen and a retry would start a second set.
            started.forEach(p -> destroy(p.toHandle(), Duration.ZERO));
            throw e;
        }
    }

    private Process launch(Path sparkHome, Path dir, String role, List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dir.resolve(role + ".log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_LOCAL_IP", HOST);
        env.put(
                "SPARK_LOCAL_DIRS",
                Files.createDirectories(dir.resolve("local")).toString());
        env.put("SPARK_LOG_DIR", dir.toString());
        env.put("SPARK_DAEMON_MEMORY", properties.daemonMemory().toMegabytes() + "m");
        env.put("PYSPARK_PYTHON", python);
        return builder.start();
    }

    /** The recorded processes of the cluster, if this machine started it. */
    Optional<Started> find(UUID clusterId) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(dir(clusterId).resolve(RECORD), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Daemon> workers = p.getProperty("workers", "").isBlank()
                ? List.of()
                : Arrays.stream(p.getProperty("workers").split(","))
                        .map(Daemon::decode)
                        .toList();
        return Optional.of(new Started(
                Integer.parseInt(p.getProperty("masterPort")),
                Integer.parseInt(p.getProperty("webUiPort")),
                Daemon.decode(p.getProperty("master")),
                workers));
    }

    /** Why the platform stopped the cluster, when it did. */
    Optional<String> stoppedReason(UUID clusterId) {
        try {
            return Optional.of(Files.readString(dir(clusterId).resolve(STOPPED), StandardCharsets.UTF_8)
                    .strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the cluster's workers (with their executors), then its master; notes why first. */
    void stop(UUID clusterId, String why) {
        Optional<Started> cluster = find(clusterId);
        if (cluster.isEmpty()) {
            return;
        }
        try {
            if (stoppedReason(clusterId).isEmpty()) {
                Files.writeString(dir(clusterId).resolve(STOPPED), why + "\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stopProcesses(cluster.get());
        owned.remove(clusterId);
    }

    /** Stops the workers left behind by a master that died, so nothing of a dead cluster runs on. */
    void stopProcesses(Started cluster) {
        for (Daemon worker : cluster.workers()) {
            worker.handle().ifPresent(h -> destroy(h, properties.stopGracePeriod()));
        }
        cluster.master().handle().ifPresent(h -> destroy(h, properties.stopGracePeriod()));
    }

    /** Stops every cluster this life of the server started; called when it shuts down. */
    void stopAll(String why) {
        for (UUID id : List.copyOf(owned)) {
            try {
                stop(id, why);
            } catch (RuntimeException e) {
                log.warn("could not stop Spark standalone cluster {}: {}", id, e.toString());
            }
        }
    }

    /** The ids of the clusters whose processes are recorded under the work dir. */
    List<UUID> recorded() {
        Path clusters = workDir.resolve("clusters");
        if (!Files.isDirectory(clusters)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(clusters)) {
            return dirs.filter(d -> Files.exists(d.resolve(RECORD)))
                    .map(d -> UUID.fromString(d.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dir(UUID clusterId) {
        return workDir.resolve("clusters").resolve(clusterId.toString());
    }

    private static void destroy(ProcessHandle handle, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>(handle.descendants().toList());
        tree.add(handle);
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                h.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                h.destroyForcibly();
            }
        }
    }

    private static void write(Path dir, Started cluster) throws IOException {
        Properties p = new Properties();
        p.setProperty("masterPort", String.valueOf(cluster.masterPort()));
        p.setProperty("webUiPort", String.valueOf(cluster.webUiPort()));
        p.setProperty("master", cluster.master().encode());
        p.setProperty(
                "workers",
                String.join(",", cluster.workers().stream().map(Daemon::encode).toList()));
        Path tmp = dir.resolve(RECORD + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, "processes of a Spark standalone cluster started by PlatySpark");
        }
        Files.move(
                tmp,
                dir.resolve(RECORD),
                java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }
}
