package io.platyspark.bench;

import io.platyspark.core.reconcile.Watchdog;
import io.platyspark.livy.BatchState;
import io.platyspark.livy.CreateBatchRequest;
import io.platyspark.livy.LivyClient;
import io.platyspark.livy.fake.FakeLivy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the control plane adds on the way to Livy, and what tracking costs: submissions through the API until the
 * batch exists at Livy, against creating the same batches at Livy directly; and one watchdog cycle over thousands
 * of apps, against polling each app's state the way per-app pollers (Livy's own, Airflow sensors) do.
 */
final class LivyScenarios {

    private static final JsonMapper JSON = new JsonMapper();

    private LivyScenarios() {
    }

    static void submissionOverhead(Bench.Sizes sizes, Report report) {
        try (FakeLivy livy = new FakeLivy();
             BenchServer server = new BenchServer(Map.of(
                     "platy.submission.enabled", "true",
                     "platy.submission.threads", "8",
                     "platy.submission.batch-size", "20",
                     "platy.submission.poll-interval", "50ms",
                     "platy.security.allowed-livy-hosts", "localhost,127.0.0.1",
                     "platy.security.allowed-buckets", "bench"))) {
            Map<String, Long> visibleAt = new ConcurrentHashMap<>();
            livy.onCreate(batch -> visibleAt.put(batch.name(), System.nanoTime()));
            server.http.post("/api/v1/clusters", "{\"name\":\"emr\",\"kind\":\"DEDICATED\",\"team\":\"bench\","
                    + "\"livyUrl\":\"" + livy.url() + "\"}");
            LivyClient direct = LivyClient.builder().baseUrl(livy.url()).okHttpClient(new OkHttpClient())
                    .maxRetries(0).build();
            for (int clients : new int[] {1, 16, 64}) {
                int total = sizes.submissions() * Math.max(1, clients / 4);
                // through the platform: POST /api/v1/apps -> ... -> the batch exists at Livy
                Map<String, Long> sentAt = new ConcurrentHashMap<>();
                long start = System.nanoTime();
                Http.concurrently(clients, total, n -> {
                    long sent = System.nanoTime();
                    String body = server.http.post("/api/v1/apps", "{\"name\":\"bench-" + clients + "-" + n
                            + "\",\"team\":\"bench\",\"cluster\":\"emr\",\"source\":\"s3://bench/job.py\"}").body();
                    sentAt.put("platy-" + JSON.readTree(body).get("id").asString(), sent);
                });
                long[] latencies = awaitBatches(sentAt, visibleAt);
                double seconds = (System.nanoTime() - start) / 1e9;
                // directly: POST /batches and the batch exists when Livy answers 201
                AtomicLong counter = new AtomicLong();
                long directStart = System.nanoTime();
                long[] directLatencies = Http.concurrently(clients, total, n -> direct.createBatch(
                        CreateBatchRequest.builder().file("s3://bench/job.py")
                                .name("direct-" + counter.incrementAndGet() + "-" + UUID.randomUUID()).build()));
                double directSeconds = (System.nanoTime() - directStart) / 1e9;
                Percentiles ours = new Percentiles(latencies);
                Percentiles baseline = new Percentiles(directLatencies);
                String label = "submit → batch at Livy, " + clients + (clients == 1 ? " client" : " clients");
                report.add(label, "throughput (apps/min)", total / seconds * 60, total / directSeconds * 60,
                        "/min", "POST /batches to Livy directly", true);
                report.add(label, "p50 latency", ours.p50Ms(), baseline.p50Ms(), "ms", "POST /batches directly");
                report.add(label, "p99 latency", ours.p99Ms(), baseline.p99Ms(), "ms", "POST /batches directly");
            }
            report.note("Submission: the platform's path is POST /api/v1/apps (validate, store PENDING, 202), the "
                    + "submission worker's claim (FOR UPDATE SKIP LOCKED), a name lookup at Livy, POST /batches and "
                    + "the SUBMITTED write; latency runs until the fake Livy holds the batch. Baseline: the same "
                    + "batch POSTed to the same fake Livy by one shared client.");
        }
    }

    private static long[] awaitBatches(Map<String, Long> sentAt, Map<String, Long> visibleAt) {
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (!visibleAt.keySet().containsAll(sentAt.keySet())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("batches did not reach Livy within 300 s");
            }
            Thread.onSpinWait();
        }
        long[] latencies = new long[sentAt.size()];
        int i = 0;
        for (Map.Entry<String, Long> sent : sentAt.entrySet()) {
            latencies[i++] = visibleAt.get(sent.getKey()) - sent.getValue();
        }
        return latencies;
    }

    static void trackingCost(Bench.Sizes sizes, Report report) {
        int clusters = 20;
        List<FakeLivy> livys = new ArrayList<>();
        try (BenchServer server = new BenchServer(Map.of(
                "platy.submission.enabled", "false",
                "platy.local.enabled", "false",
                "platy.security.allowed-livy-hosts", "localhost,127.0.0.1"))) {
            JdbcClient jdbc = JdbcClient.create(server.dataSource());
            for (int c = 0; c < clusters; c++) {
                FakeLivy livy = new FakeLivy();
                livys.add(livy);
                server.http.post("/api/v1/clusters", "{\"name\":\"emr-" + c + "\",\"kind\":\"DEDICATED\","
                        + "\"team\":\"bench\",\"livyUrl\":\"" + livy.url() + "\"}");
            }
            int perCluster = sizes.trackedApps() / clusters;
            long seedStart = System.nanoTime();
            for (int c = 0; c < clusters; c++) {
                JsonNode cluster = JSON.readTree(server.http.get("/api/v1/clusters/emr-" + c).body());
                List<UUID> ids = jdbc.sql("""
                        insert into apps (id, name, team, cluster_name, cluster_id, source, state, backend,
                                          next_attempt_at, created_at, updated_at, submitted_at, started_at)
                        select gen_random_uuid(), 'tracked-' || g, 'bench', :cluster, cast(:clusterId as uuid),
                               's3://bench/job.py', 'RUNNING', 'livy', now(), now(), now(), now(), now()
                        from generate_series(1, :n) g
                        returning id
                        """).param("cluster", "emr-" + c).param("clusterId", cluster.get("id").asString())
                        .param("n", perCluster).query(UUID.class).list();
                FakeLivy livy = livys.get(c);
                for (UUID id : ids) {
                    long batch = livy.addBatch("platy-" + id, BatchState.RUNNING).id();
                    jdbc.sql("update apps set backend_id = :b where id = :id").param("b", String.valueOf(batch))
                            .param("id", id).update();
                }
            }
            double seedSeconds = (System.nanoTime() - seedStart) / 1e9;
            Watchdog watchdog = server.bean(Watchdog.class);
            watchdog.runOnce(); // first cycle writes links and YARN ids; measure a steady-state cycle
            livys.forEach(FakeLivy::resetCounters);
            long start = System.nanoTime();
            watchdog.runOnce();
            double ourSeconds = (System.nanoTime() - start) / 1e9;
            long ourCalls = livys.stream().mapToLong(l -> l.listCalls() + l.getCalls() + l.stateCalls()).sum();

            // Per-app polling: one GET /batches/{id}/state per app per cycle, from 16 threads.
            OkHttpClient shared = new OkHttpClient();
            List<LivyClient> clients = livys.stream().map(l -> LivyClient.builder().baseUrl(l.url())
                    .okHttpClient(shared).maxRetries(0).build()).toList();
            livys.forEach(FakeLivy::resetCounters);
            long pollStart = System.nanoTime();
            Http.concurrently(16, perCluster * clusters, n -> clients.get(n % clusters)
                    .getBatchState(n / clusters));
            double pollSeconds = (System.nanoTime() - pollStart) / 1e9;
            long pollCalls = livys.stream().mapToLong(l -> l.listCalls() + l.getCalls() + l.stateCalls()).sum();

            String label = String.format("tracking %,d apps on %d clusters", perCluster * clusters, clusters);
            report.add(label, "Livy calls per cycle", ourCalls, pollCalls, "calls", "one state call per app");
            report.add(label, "wall time per cycle", ourSeconds, pollSeconds, "s", "per-app polling, 16 threads");
            report.note(String.format("Tracking: %,d RUNNING apps seeded in %.1f s; a steady-state watchdog cycle "
                    + "(list pages of 100 per cluster, compare, no writes) against GET /batches/{id}/state for every "
                    + "app. Lighter tracks every 30 s and Livy polls each app on its own thread.",
                    perCluster * clusters, seedSeconds));
        } finally {
            livys.forEach(FakeLivy::close);
        }
    }
}
