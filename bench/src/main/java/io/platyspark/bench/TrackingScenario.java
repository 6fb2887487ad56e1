package io.platyspark.bench;

import io.platyspark.core.reconcile.Watchdog;
import io.platyspark.livy.BatchPage;
import io.platyspark.livy.BatchState;
import io.platyspark.livy.LivyClient;
import io.platyspark.livy.fake.FakeLivy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import okhttp3.OkHttpClient;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What tracking costs a Livy that retains many batches: 10 clusters, each Livy holding
 * {@link Bench.Sizes#retainedBatches()} batches of which the newest are the platform's running apps. One steady
 * watchdog cycle against two baselines run on the same Livys: the previous read (list pages of 100 from id 0 until
 * every tracked name is seen, replayed here) and per-app polling ({@code GET /batches/{id}/state} for every app).
 */
final class TrackingScenario {

    private static final JsonMapper JSON = new JsonMapper();
    static final int CLUSTERS = 10;

    private TrackingScenario() {}

    static void run(Bench.Sizes sizes, Report report) {
        List<FakeLivy> livys = new ArrayList<>();
        try (BenchServer server = new BenchServer(Map.of(
                "platy.submission.enabled", "false",
                "platy.local.enabled", "false",
                "platy.security.allowed-livy-hosts", "localhost,127.0.0.1"))) {
            JdbcClient jdbc = JdbcClient.create(server.dataSource());
            int perCluster = sizes.trackedApps() / CLUSTERS;
            int older = sizes.retainedBatches() - perCluster;
            List<List<String>> names = new ArrayList<>();
            long seedStart = System.nanoTime();
            for (int c = 0; c < CLUSTERS; c++) {
                FakeLivy livy = new FakeLivy();
                livys.add(livy);
                server.http.post(
                        "/api/v1/clusters",
                        "{\"name\":\"emr-" + c + "\",\"kind\":\"DEDICATED\"," + "\"team\":\"bench\",\"livyUrl\":\""
                                + livy.url() + "\"}");
                JsonNode cluster = JSON.readTree(
                        server.http.get("/api/v1/clusters/emr-" + c).body());
                // Batches of other users and finished ones Livy still retains, older than the running apps.
                for (int i = 0; i < older; i++) {
                    livy.addBatch("other-" + i, i % 3 == 0 ? BatchState.DEAD : BatchState.SUCCESS);
                }
                List<UUID> ids = jdbc.sql("""
                        insert into apps (id, name, team, cluster_name, cluster_id, source, state, backend,
                                          backend_id, next_attempt_at, created_at, updated_at, submitted_at,
                                          started_at)
                        select gen_random_uuid(), 'tracked-' || g, 'bench', :cluster, cast(:clusterId as uuid),
                               's3://bench/job.py', 'RUNNING', 'livy', cast(:older + g - 1 as text), now(), now(),
                               now(), now(), now()
                        from generate_series(1, :n) g
                        order by g
                        returning id
                        """)
                        .param("cluster", "emr-" + c)
                        .param("clusterId", cluster.get("id").asString())
                        .param("older", older)
                        .param("n", perCluster)
                        .query(UUID.class)
                        .list();
                List<String> clusterNames = new ArrayList<>();
                for (UUID id : ids) {
                    livy.addBatch("platy-" + id, BatchState.RUNNING);
                    clusterNames.add("platy-" + id);
                }
                names.add(clusterNames);
            }
            double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
            Watchdog watchdog = server.bean(Watchdog.class);
            watchdog.runOnce(); // the first cycle writes links and YARN ids; measure a steady one
            livys.forEach(FakeLivy::resetCounters);
            long start = System.nanoTime();
            watchdog.runOnce();
            double ourSeconds = (System.nanoTime() - start) / 1e9;
            long ourCalls = livys.stream()
                    .mapToLong(l -> l.listCalls() + l.getCalls() + l.stateCalls())
                    .sum();
            int mostListCalls =
                    livys.stream().mapToInt(FakeLivy::listCalls).max().orElse(0);

            OkHttpClient shared = new OkHttpClient();
            List<LivyClient> clients = livys.stream()
                    .map(l -> LivyClient.builder()
                            .baseUrl(l.url())
                            .okHttpClient(shared)
                            .maxRetries(0)
                            .build())
                    .toList();
            // The previous read: pages of 100 from id 0 until every tracked name is seen.
            livys.forEach(FakeLivy::resetCounters);
            long walkStart = System.nanoTime();
            for (int c = 0; c < CLUSTERS; c++) {
                Set<String> left = new HashSet<>(names.get(c));
                int from = 0;
                while (!left.isEmpty()) {
                    BatchPage page = clients.get(c).listBatches(from, 100);
                    page.sessions().forEach(b -> left.remove(b.name()));
                    from += page.sessions().size();
                    if (page.sessions().isEmpty() || from >= page.total()) {
                        break;
                    }
                }
            }
            double walkSeconds = (System.nanoTime() - walkStart) / 1e9;
            long walkCalls = livys.stream().mapToLong(FakeLivy::listCalls).sum();

            // Per-app polling: one GET /batches/{id}/state per app per cycle, from 16 threads.
            livys.forEach(FakeLivy::resetCounters);
            long pollStart = System.nanoTime();
            Http.concurrently(
                    16, perCluster * CLUSTERS, n -> clients.get(n % CLUSTERS).getBatchState(older + n / CLUSTERS));
            double pollSeconds = (System.nanoTime() - pollStart) / 1e9;
            long pollCalls = livys.stream()
                    .mapToLong(l -> l.listCalls() + l.getCalls() + l.stateCalls())
                    .sum();

            String label = String.format(
                    "tracking %,d apps on %d clusters, %,d batches per Livy",
                    perCluster * CLUSTERS, CLUSTERS, sizes.retainedBatches());
            report.add(
                    label,
                    "Livy calls per cycle",
                    ourCalls,
                    walkCalls,
                    "calls",
                    "previous read: pages of 100 " + "from id 0");
            report.add(
                    label,
                    "Livy calls per cycle (per-app polling)",
                    ourCalls,
                    pollCalls,
                    "calls",
                    "one state call per app");
            report.add(
                    label,
                    "wall time per cycle",
                    ourSeconds,
                    walkSeconds,
                    "s",
                    "previous read: pages of 100 " + "from id 0");
            report.add(
                    label,
                    "wall time per cycle (per-app polling)",
                    ourSeconds,
                    pollSeconds,
                    "s",
                    "per-app polling, 16 threads");
            report.figure(label, "list calls, busiest cluster", mostListCalls, "calls");
            report.goal(
                    "tracking: 10 clusters × 1,000 running apps, 10,000 retained batches per Livy → ≤ 2 list "
                            + "calls per cluster per cycle",
                    String.format(
                            "%d list calls on the busiest cluster (%,d apps " + "per cluster, %,d batches per Livy)",
                            mostListCalls, perCluster, sizes.retainedBatches()),
                    mostListCalls <= 2);
            report.note(String.format(
                    "Tracking: %,d RUNNING apps seeded in %.1f s, the newest %,d of the %,d "
                            + "batches each Livy holds; a steady-state watchdog cycle (from the newest end, compare, no "
                            + "writes) against the previous read and against GET /batches/{id}/state for every app.",
                    perCluster * CLUSTERS, seedSeconds, perCluster, sizes.retainedBatches()));
        } finally {
            livys.forEach(FakeLivy::close);
        }
    }
}
