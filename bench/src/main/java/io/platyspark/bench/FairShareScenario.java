package io.platyspark.bench;

import io.platyspark.core.testing.TestDatabase;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 22 and issue 25's drain: spark-server as a process of its own at its default settings, the Livy stand-in
 * ({@link FakeLivyProcess}) behind it. (1) Team B's submit and list p99 while team A, another process ({@link
 * TeamBurstProcess}), sends waves of 500 concurrent submits, against team B alone, interleaved after a warm-up.
 * (2) How fast the submission worker drains a backlog against how fast the API accepts it, both at default
 * settings.
 */
final class FairShareScenario {

    private static final JsonMapper JSON = new JsonMapper();

    private FairShareScenario() {}

    static void run(Bench.Sizes sizes, Report report, Path repo) throws Exception {
        boolean smoke = sizes.name().equals("smoke");
        Path jar = ServerProcess.jar(repo);
        try (FakeLivyProcess livy = FakeLivyProcess.start()) {
            TestDatabase.Database db = TestDatabase.newDatabase();
            // Defaults everywhere but what the bench needs to reach its fake Livy and to send s3:// sources.
            try (ServerProcess server = ServerProcess.start(
                    ServerProcess.javaJar(jar),
                    db,
                    Map.of(
                            "platy.submission.enabled", "true",
                            "platy.security.allowed-livy-hosts", "localhost,127.0.0.1",
                            "platy.security.allowed-buckets", "bench"))) {
                server.awaitReady();
                String base = server.url();
                Http admin = server.api();
                for (String team : List.of("team-a", "team-b", "team-c")) {
                    admin.post(
                            "/api/v1/clusters",
                            "{\"name\":\"" + team + "-livy\",\"kind\":\"DEDICATED\",\"team\":\"" + team
                                    + "\",\"livyUrl\":\"" + livy.url() + "\"}");
                }
                String a = token(admin, "team-a");
                String b = token(admin, "team-b");
                String c = token(admin, "team-c");
                isolation(report, base, a, b, smoke ? 20 : 1000, smoke ? 50 : 500);
                drain(report, base, c, livy, smoke ? 100 : 4000);
            }
        }
    }

    private static String token(Http admin, String team) {
        String body = admin.post("/api/v1/admin/tokens", "{\"name\":\"" + team + "-bench\",\"team\":\"" + team + "\"}")
                .body();
        return JSON.readTree(body).get("token").asString();
    }

    private static void isolation(Report report, String base, String tokenA, String tokenB, int ops, int burst)
            throws Exception {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        try (TeamBurstProcess teamA = TeamBurstProcess.start(base, tokenA, "team-a", burst)) {
            isolation(report, client, base, tokenB, ops, burst, teamA);
        }
    }

    private static void isolation(
            Report report, HttpClient client, String base, String tokenB, int ops, int burst, TeamBurstProcess teamA)
            throws Exception {
        int[] outcomes = new int[3]; // A: accepted, 429, other
        // Warm-up, not counted: B alone, then B during A's waves (A's process and the server's paths for both).
        measureB(client, base, tokenB, ops, null, new int[3]);
        measureB(client, base, tokenB, ops, teamA, new int[3]);
        List<Long> submitAlone = new ArrayList<>();
        List<Long> listAlone = new ArrayList<>();
        List<Long> submitBurst = new ArrayList<>();
        List<Long> listBurst = new ArrayList<>();
        String loadAlone = "";
        String loadBurst = "";
        for (int round = 0; round < 2; round++) {
            long[][] alone = measureB(client, base, tokenB, ops, null, outcomes);
            loadAlone = load();
            add(submitAlone, alone[0]);
            add(listAlone, alone[1]);
            long[][] during = measureB(client, base, tokenB, ops, teamA, outcomes);
            loadBurst = load();
            add(submitBurst, during[0]);
            add(listBurst, during[1]);
        }
        Percentiles sa = percentiles(submitAlone);
        Percentiles sb = percentiles(submitBurst);
        Percentiles la = percentiles(listAlone);
        Percentiles lb = percentiles(listBurst);
        String label = "fair share: team B during team A's " + burst + "-concurrent bursts";
        report.add(label, "team B submit p99", sb.p99Ms(), sa.p99Ms(), "ms", "team B alone");
        report.add(label, "team B list p99", lb.p99Ms(), la.p99Ms(), "ms", "team B alone");
        report.add(label, "team B submit p50", sb.p50Ms(), sa.p50Ms(), "ms", "team B alone");
        report.add(label, "team B list p50", lb.p50Ms(), la.p50Ms(), "ms", "team B alone");
        report.note(String.format(
                Locale.ROOT,
                "Fair share: spark-server (runnable jar, default settings) on an "
                        + "external PostgreSQL, the Livy stand-in in a process of its own; team B, one client, alternates "
                        + "a submit and a list of its apps (%d of each alone and as many during team A's waves of %d "
                        + "concurrent submits, in 2 rounds of each, interleaved after a warm-up round of each). "
                        + "Team A's client is a process of its own, so B's client shares neither its JVM nor its "
                        + "connections, and it sends over bare kept-alive HTTP/1.1 connections, as wrk would, so it takes "
                        + "little of the CPU the server it measures runs on; each of A's "
                        + "submits refused 429 is sent again after its Retry-After plus up to half as long, as the "
                        + "platform's Java client and Airflow hook do. Team A got %d accepted, %d answers 429 (in-flight "
                        + "bulkhead, per-token rate or quota), %d other. "
                        + "Target: B's p99 during the burst within 2x of alone (submit %.2fx, list %.2fx). Load average "
                        + "after the last alone / burst round: %s / %s.",
                sa.count(),
                burst,
                outcomes[0],
                outcomes[1],
                outcomes[2],
                sb.p99Ms() / sa.p99Ms(),
                lb.p99Ms() / la.p99Ms(),
                loadAlone,
                loadBurst));
    }

    /** Team B's submits and lists, one after another: [submit latencies, list latencies]. */
    private static long[][] measureB(
            HttpClient client, String base, String token, int ops, TeamBurstProcess teamA, int[] outcomes)
            throws Exception {
        if (teamA != null) {
            teamA.go();
        }
        long[] submits = new long[ops];
        long[] lists = new long[ops];
        try {
            for (int i = 0; i < ops; i++) {
                long start = System.nanoTime();
                expect(send(client, base, token, "POST", "/api/v1/apps", app("b-" + System.nanoTime(), "team-b")), 202);
                submits[i] = System.nanoTime() - start;
                start = System.nanoTime();
                expect(send(client, base, token, "GET", "/api/v1/apps?team=team-b&limit=20", null), 200);
                lists[i] = System.nanoTime() - start;
            }
        } finally {
            if (teamA != null) {
                int[] burst = teamA.stop();
                for (int i = 0; i < burst.length; i++) {
                    outcomes[i] += burst[i];
                }
            }
        }
        return new long[][] {submits, lists};
    }

    /** Accepted/s at 16 clients against the worker's drain/s of the same apps to Livy, default settings. */
    private static void drain(Report report, String base, String token, FakeLivyProcess livy, int total)
            throws Exception {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        Queue<String> batches = new ConcurrentLinkedQueue<>();
        AtomicInteger refused = new AtomicInteger();
        long startMicros = FakeLivyProcess.nowMicros();
        long start = System.nanoTime();
        Http.concurrently(16, total, n -> {
            // A refusal over the per-token rate is retried after its Retry-After, as a well-behaved client does.
            while (true) {
                HttpResponse<String> r = send(client, base, token, "POST", "/api/v1/apps", app("c-" + n, "team-c"));
                if (r.statusCode() == 202) {
                    batches.add("platy-" + JSON.readTree(r.body()).get("id").asString());
                    return;
                }
                if (r.statusCode() != 429) {
                    throw new IllegalStateException("submit -> " + r.statusCode() + ": " + r.body());
                }
                refused.incrementAndGet();
                Thread.sleep(1000L
                        * Long.parseLong(r.headers().firstValue("Retry-After").orElse("1")));
            }
        });
        double acceptSeconds = (System.nanoTime() - start) / 1e9;
        String loadAccept = load();
        long deadline = System.nanoTime() + 600_000_000_000L;
        long lastMicros = startMicros;
        for (String batch : batches) {
            Long created;
            while ((created = livy.createdMicros(batch)) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("not every one of " + total + " batches reached Livy in 600 s");
                }
                Thread.sleep(20);
            }
            lastMicros = Math.max(lastMicros, created);
        }
        double drainSeconds = (lastMicros - startMicros) / 1e6;
        report.add(
                "drain vs accept, " + total + " submits from 16 clients",
                "apps/s",
                total / drainSeconds,
                total / acceptSeconds,
                "/s",
                "accepted by the API",
                true);
        report.note(String.format(
                Locale.ROOT,
                "Drain: %d submits from 16 clients to spark-server at default "
                        + "settings (submission threads, batch size, concurrency); accepted in %.1f s (%.0f/s, %d 429s "
                        + "retried), the last batch reached the fake Livy %.1f s after the first submit (%.0f/s). Drain "
                        + ">= accept means no backlog grows. Load average after accepting: %s.",
                total,
                acceptSeconds,
                total / acceptSeconds,
                refused.get(),
                drainSeconds,
                total / drainSeconds,
                loadAccept));
    }

    static String app(String name, String team) {
        return "{\"name\":\"" + name + "\",\"team\":\"" + team + "\",\"cluster\":\"" + team + "-livy\","
                + "\"source\":\"s3://bench/job.py\"}";
    }

    static HttpResponse<String> send(
            HttpClient client, String base, String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException("team B got " + response.statusCode() + ": " + response.body());
        }
    }

    private static void add(List<Long> into, long[] values) {
        for (long v : values) {
            into.add(v);
        }
    }

    private static Percentiles percentiles(List<Long> values) {
        return new Percentiles(values.stream().mapToLong(Long::longValue).toArray());
    }

    private static String load() {
        return String.format(
                Locale.ROOT,
                "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
