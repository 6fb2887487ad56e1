package io.platyspark.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.platyspark.core.testing.TestDatabase;
import io.platyspark.livy.BatchState;
import io.platyspark.livy.fake.FakeLivy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The watchdog as ops run it (its runnable jar, a process of its own) over many active apps: its resident memory
 * while its app cycles read every cluster's running apps and ask each cluster's Livy about them.
 */
final class WatchdogMemoryScenario {

    static final int CLUSTERS = 50;
    /** The bench's client for the watchdogs' metrics, one for every scrape. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final Pattern CYCLES =
            Pattern.compile("platy_reconcile_cycle_seconds_count\\{[^}]*reconciler=\"apps\"[^}]*} ([0-9.E]+)");

    private WatchdogMemoryScenario() {}

    static void run(Bench.Sizes sizes, Report report, Path repo) throws Exception {
        Path jar = repo.resolve("watchdog/target/watchdog-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing; build it first (bin/bench does)");
        }
        TestDatabase.Database db = BenchDatabase.production();
        List<FakeLivy> livys = new ArrayList<>();
        try (HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(db.url());
            dataSource.setUsername(db.user());
            dataSource.setPassword(db.password());
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            int perCluster = sizes.watchdogApps() / CLUSTERS;
            long seedStart = System.nanoTime();
            for (int c = 0; c < CLUSTERS; c++) {
                // No YARN ids or links to write: every cycle is a steady one, reading and comparing only.
                FakeLivy livy = new FakeLivy().yarn(false);
                livys.add(livy);
                UUID clusterId = UUID.randomUUID();
                jdbc.sql("""
                        insert into clusters (id, name, kind, team, livy_url, state, created_at, updated_at)
                        values (:id, :name, 'DEDICATED', 'bench', :url, 'WAITING', now(), now())
                        """)
                        .param("id", clusterId)
                        .param("name", "emr-" + c)
                        .param("url", livy.url())
                        .update();
                List<UUID> ids = jdbc.sql("""
                        insert into apps (id, name, team, cluster_name, cluster_id, source, state, backend,
                                          backend_id, next_attempt_at, created_at, updated_at, submitted_at,
                                          started_at)
                        select gen_random_uuid(), 'active-' || g, 'bench', :cluster, :clusterId, 's3://bench/job.py',
                               'RUNNING', 'livy', cast(g - 1 as text), now(), now(), now(), now(), now()
                        from generate_series(1, :n) g
                        order by g
                        returning id
                        """)
                        .param("cluster", "emr-" + c)
                        .param("clusterId", clusterId)
                        .param("n", perCluster)
                        .query(UUID.class)
                        .list();
                for (UUID id : ids) {
                    livy.addBatch("platy-" + id, BatchState.RUNNING);
                }
            }
            jdbc.sql("analyze apps").update();
            double seedSeconds = (System.nanoTime() - seedStart) / 1e9;

            String label = String.format("watchdog, %,d running apps on %d clusters", sizes.watchdogApps(), CLUSTERS);
            try (Container container = Container.ofOneGib()) {
                // The image's JVM as the container's limit makes it: under 1,792 MB the JVM does not count as a server
                // class machine and picks the Serial collector, with 75% of the limit as its heap at most.
                Measured image = measure(jar, db, container, List.of());
                report.figure(label, "peak resident memory (VmHWM)", image.peakMb(), "MB");
                report.figure(label, "resident memory after the cycles", image.rssMb(), "MB");
                // The same with G1, the collector the JVM picks with 2 cores and 1,792 MB or more: its heap grows
                // with the cycles' allocation rate, not with what they keep.
                Measured g1 = measure(jar, db, container, List.of("-XX:+UseG1GC"));
                report.figure(label, "peak resident memory (VmHWM), -XX:+UseG1GC", g1.peakMb(), "MB");
                report.goal(
                        "watchdog RSS ≤ 400 MB with 200k active apps",
                        String.format(
                                "peak %.0f MB, %.0f MB after %d app cycles over %,d apps (%s)",
                                image.peakMb(), image.rssMb(), (int) image.cycles(), sizes.watchdogApps(), image.gc()),
                        image.peakMb() <= 400);
                report.note(String.format(
                        "Watchdog: `java -XX:MaxRAMPercentage=75 -jar watchdog-exec.jar` (its own process, with the "
                                + "image's heap setting) %s, so the JVM chose %s; on a database with %,d RUNNING apps "
                                + "(seeded in %.1f s) on %d Livy-registered clusters, each Livy a stand-in in the load "
                                + "driver's JVM holding that cluster's batches; measured once %d app cycles had run (%.0f s "
                                + "from start). The same with `-XX:+UseG1GC` added (the collector the JVM picks with 2 "
                                + "cores and 1,792 MB or more) peaked at %.0f MB after %d cycles. Before the change the "
                                + "issue measured 717 MB at 190k apps (not rerun here).",
                        container.description(),
                        image.gc(),
                        sizes.watchdogApps(),
                        seedSeconds,
                        CLUSTERS,
                        (int) image.cycles(),
                        image.seconds(),
                        g1.peakMb(),
                        (int) g1.cycles()));
            }
        } finally {
            livys.forEach(FakeLivy::close);
        }
    }

    /** One watchdog's memory over its first app cycles, and the collector its JVM chose. */
    private record Measured(double peakMb, double rssMb, double cycles, double seconds, String gc) {}

    private static Measured measure(Path jar, TestDatabase.Database db, Container container, List<String> flags)
            throws Exception {
        List<String> java = new ArrayList<>();
        java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        java.add("-XX:MaxRAMPercentage=75");
        java.add("-XX:+ExitOnOutOfMemoryError");
        java.addAll(container.jvmFlags());
        java.addAll(flags);
        java.addAll(List.of("-jar", jar.toString()));
        try (ServerProcess watchdog = ServerProcess.start(
                container.wrap(java),
                db,
                Map.of("platy.reconcile.interval", "1s", "platy.security.allowed-livy-hosts", "localhost,127.0.0.1"))) {
            long start = System.nanoTime();
            double cycles = awaitCycles(watchdog, 2);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Measured(
                    status(watchdog.pid(), "VmHWM:"),
                    status(watchdog.pid(), "VmRSS:"),
                    cycles,
                    seconds,
                    collector(watchdog));
        }
    }

    /**
     * The collector the watchdog's JVM runs, from its own metrics: the names of its heap's memory pools, there from
     * the start (a GC pause is tagged only once one has happened).
     */
    private static String collector(ServerProcess watchdog) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(watchdog.url() + "/actuator/prometheus"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("the watchdog's metrics answered " + response.statusCode());
        }
        String body = response.body();
        if (body.contains("id=\"G1 Old Gen\"")) {
            return "G1";
        }
        if (body.contains("id=\"Tenured Gen\"")) {
            return "Serial";
        }
        return "another collector";
    }

    /**
     * Where the watchdog runs: in a memory cgroup of 1 GiB, as a container limited to 1 GiB would run it, where
     * this machine lets the bench make one (root and the cgroup v1 memory controller, as on the CI machine); elsewhere
     * a JVM told what such a container would tell it ({@code MaxRAM}, and not a server class machine).
     */
    record Container(Path cgroup) implements AutoCloseable {

        static final long LIMIT = 1L << 30;
        private static final Path V1_MEMORY = Path.of("/sys/fs/cgroup/memory");

        static Container ofOneGib() {
            if (!Files.isRegularFile(V1_MEMORY.resolve("memory.limit_in_bytes"))) {
                return new Container(null); // no cgroup v1 memory controller here (a v2 root would take any name)
            }
            Path group = V1_MEMORY.resolve("platy-bench-watchdog");
            try {
                Files.createDirectories(group);
                Files.writeString(group.resolve("memory.limit_in_bytes"), String.valueOf(LIMIT));
                return new Container(group);
            } catch (IOException | UnsupportedOperationException e) {
                new Container(group).close(); // made but not limited: not left behind
                return new Container(null);
            }
        }

        List<String> jvmFlags() {
            return cgroup != null ? List.of() : List.of("-XX:MaxRAM=1g", "-XX:+NeverActAsServerClassMachine");
        }

        /** The command, started inside the cgroup: the shell joins it, then becomes the JVM (same pid). */
        List<String> wrap(List<String> command) {
            if (cgroup == null) {
                return command;
            }
            List<String> wrapped = new ArrayList<>(List.of(
                    "sh",
                    "-c",
                    "echo $$ > \"$0\" && exec \"$@\"",
                    cgroup.resolve("cgroup.procs").toString()));
            wrapped.addAll(command);
            return wrapped;
        }

        /** Removes the cgroup, empty once the watchdogs in it have exited; one that cannot be removed stays. */
        @Override
        public void close() {
            if (cgroup != null) {
                try {
                    Files.deleteIfExists(cgroup);
                } catch (IOException e) {
                    // still busy or not ours to remove: harmless, the next run uses it again
                }
            }
        }

        String description() {
            return cgroup != null
                    ? "in a memory cgroup limited to 1 GiB, as a container would run it"
                    : "told what a container limited to 1 GiB would tell it (`-XX:MaxRAM=1g "
                            + "-XX:+NeverActAsServerClassMachine`: this machine let the bench make no memory cgroup)";
        }
    }

    /** Waits until the watchdog has finished {@code wanted} app cycles (its own metric), returns how many ran. */
    private static double awaitCycles(ServerProcess watchdog, int wanted) throws Exception {
        HttpRequest scrape = HttpRequest.newBuilder(URI.create(watchdog.url() + "/actuator/prometheus"))
                .build();
        long deadline = System.nanoTime() + 900_000_000_000L;
        while (System.nanoTime() < deadline) {
            watchdog.requireAlive();
            try {
                HttpResponse<String> response = HTTP.send(scrape, HttpResponse.BodyHandlers.ofString());
                Matcher m = CYCLES.matcher(response.body());
                if (response.statusCode() == 200 && m.find() && Double.parseDouble(m.group(1)) >= wanted) {
                    return Double.parseDouble(m.group(1));
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the watchdog did not finish " + wanted + " app cycles within 15 minutes");
    }

    private static double status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
