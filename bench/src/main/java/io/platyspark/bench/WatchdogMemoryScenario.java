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
        ServerProcess watchdog = null;
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

            List<String> java = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    // As in the image, in a container limited to 1 GiB: the JVM sizes its heap from the memory it
                    // sees (the image's MaxRAMPercentage); MaxRAM stands in for the container's limit, so the
                    // figure does not depend on the bench machine's RAM (its initial heap is 1/64 of that).
                    "-XX:MaxRAM=1g",
                    "-XX:MaxRAMPercentage=75",
                    "-XX:+ExitOnOutOfMemoryError",
                    "-jar",
                    jar.toString());
            watchdog = ServerProcess.start(
                    java,
                    db,
                    Map.of(
                            "platy.reconcile.interval",
                            "1s",
                            "platy.security.allowed-livy-hosts",
                            "localhost,127.0.0.1"));
            long start = System.nanoTime();
            double cycles = awaitCycles(watchdog, 2);
            double seconds = (System.nanoTime() - start) / 1e9;
            double peakMb = status(watchdog.pid(), "VmHWM:");
            double rssMb = status(watchdog.pid(), "VmRSS:");
            String label = String.format("watchdog, %,d running apps on %d clusters", sizes.watchdogApps(), CLUSTERS);
            report.figure(label, "peak resident memory (VmHWM)", peakMb, "MB");
            report.figure(label, "resident memory after the cycles", rssMb, "MB");
            report.goal(
                    "watchdog RSS ≤ 400 MB with 200k active apps",
                    String.format(
                            "peak %.0f MB, %.0f MB after " + "%d app cycles over %,d apps",
                            peakMb, rssMb, (int) cycles, sizes.watchdogApps()),
                    peakMb <= 400);
            report.note(String.format(
                    "Watchdog: `java -XX:MaxRAM=1g -XX:MaxRAMPercentage=75 -jar watchdog-exec.jar` (its own process; "
                            + "the image's heap setting in a container limited to 1 GiB) on a "
                            + "database with %,d RUNNING apps (seeded in %.1f s) on %d Livy-registered clusters, each "
                            + "Livy a stand-in in the load driver's JVM holding that cluster's batches; measured once %d "
                            + "app cycles had run (%.0f s from start). Before the change the issue measured 717 MB at "
                            + "190k apps (not rerun here).",
                    sizes.watchdogApps(), seedSeconds, CLUSTERS, (int) cycles, seconds));
        } finally {
            if (watchdog != null) {
                watchdog.close();
            }
            livys.forEach(FakeLivy::close);
        }
    }

    /** Waits until the watchdog has finished {@code wanted} app cycles (its own metric), returns how many ran. */
    private static double awaitCycles(ServerProcess watchdog, int wanted) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create(watchdog.url() + "/actuator/prometheus"))
                .build();
        long deadline = System.nanoTime() + 900_000_000_000L;
        while (System.nanoTime() < deadline) {
            watchdog.requireAlive();
            try {
                HttpResponse<String> response = client.send(scrape, HttpResponse.BodyHandlers.ofString());
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
