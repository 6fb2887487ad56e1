package io.platyspark.bench;

import io.platyspark.core.testing.TestDatabase;
import io.platyspark.livy.Batch;
import io.platyspark.livy.CreateBatchRequest;
import io.platyspark.livy.LivyClient;
import io.platyspark.livy.real.RealLivy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Submission as users see it, with the load driver (this JVM), spark-server (its runnable jar) and the Livy
 * stand-in ({@link FakeLivyProcess}) as three processes on a database with production settings. At 1 and 16
 * connections: the accept latency and rate of {@code POST /api/v1/apps}, the time until the batch exists at Livy,
 * and the rate the submission worker drains at, with spark-server's default settings and with tuned ones. The
 * baselines, in the same rounds (platform and baseline alternate, after a warm-up of each): the same batch POSTed
 * to the stand-in directly, and to the published Livy 0.7.1 (what users would call without the platform).
 */
final class SubmitScenario {

    private static final JsonMapper JSON = new JsonMapper();
    /** The most rounds of warm-up a server gets: 100,000 submits at full size. */
    static final int WARM_UP_ROUNDS = 200;
    /** Submits per warm-up round, at 16 connections (fewer in the smoke run). */
    static final int WARM_UP_ROUND = 500;

    private SubmitScenario() {}

    /** A spark-server configuration, named as the report shows it. */
    record Config(String key, String label, Map<String, String> settings) {}

    static final Config DEFAULTS = new Config("defaults", "defaults", Map.of());
    static final Config TUNED = new Config(
            "tuned",
            "tuned: 8 threads, batches of 20, 50 ms poll",
            Map.of(
                    "platy.submission.threads", "8",
                    "platy.submission.batch-size", "20",
                    "platy.submission.poll-interval", "50ms"));

    static void run(Bench.Sizes sizes, Report report, Path repo) throws Exception {
        Path jar = ServerProcess.jar(repo);
        RealLivy real = RealLivy.shared();
        Path realFile = real.localDir().resolve("bench-noop.py");
        Files.writeString(realFile, "pass\n");
        List<String> warmUps = new ArrayList<>();
        try (FakeLivyProcess livy = FakeLivyProcess.start()) {
            OkHttpClient http = new OkHttpClient();
            LivyClient direct = LivyClient.builder()
                    .baseUrl(livy.url())
                    .okHttpClient(http)
                    .maxRetries(0)
                    .build();
            LivyClient realLivy = LivyClient.builder()
                    .baseUrl(real.url())
                    .okHttpClient(http)
                    .maxRetries(0)
                    .build();
            for (Config config : List.of(DEFAULTS, TUNED)) {
                TestDatabase.Database db = BenchDatabase.production();
                Map<String, String> settings = new LinkedHashMap<>(config.settings());
                settings.put("platy.local.enabled", "false");
                settings.put("platy.security.allowed-livy-hosts", "localhost,127.0.0.1");
                settings.put("platy.security.allowed-buckets", "bench");
                try (ServerProcess server = ServerProcess.start(ServerProcess.javaJar(jar), db, settings)) {
                    server.awaitReady();
                    Http api = server.api();
                    api.post(
                            "/api/v1/clusters",
                            "{\"name\":\"emr\",\"kind\":\"DEDICATED\",\"team\":\"bench\"," + "\"livyUrl\":\""
                                    + livy.url() + "\"}");
                    // The stand-in's batches never end, so every submit stays active: the bench team's quota
                    // is raised above all the submits it sends (a quota is not what is measured here).
                    api.put(
                            "/api/v1/admin/teams/bench/quota",
                            "{\"maxActiveApps\":1000000,\"submitsPerMinute\":1000000}");
                    String warmUp = warmUp(api, livy, sizes, config.key());
                    warmUps.add(config.label() + ": " + warmUp);
                    for (int clients : new int[] {1, 16}) {
                        boolean withRealLivy = config == DEFAULTS && clients == 1;
                        measure(
                                sizes,
                                report,
                                config,
                                clients,
                                server.pid(),
                                api,
                                livy,
                                direct,
                                withRealLivy ? realLivy : null,
                                realFile);
                    }
                    if (config == DEFAULTS) {
                        report.note("Submission: database " + BenchDatabase.settings(db) + "; spark-server is "
                                + "`java -Xmx512m -jar spark-server-exec.jar` with the jar's own defaults apart "
                                + "from the local backend (off, as in the images) and the allowed Livy hosts.");
                    }
                }
            }
        }
        report.note("Submission warm-up: before any round is measured, each server gets rounds of its own submits at "
                + "16 connections until its last " + JitWarmUp.WINDOW + " rounds added less than "
                + String.format("%.0f", JitWarmUp.SETTLED_MILLIS) + " ms of JIT compilation in all (the server's "
                + "jvm.compilation.time), as a server that has run a while would be, or at most "
                + String.format("%,d", WARM_UP_ROUNDS * warmUpRound(sizes)) + " submits; "
                + String.join("; ", warmUps) + ".");
        report.note(String.format(
                "Submission method: %d rounds per setting; in each round the platform's "
                        + "requests, then the same number POSTed to the stand-in directly (and, with the defaults at 1 "
                        + "connection, %d to Livy 0.7.1), after one warm-up round of each that is not counted; the "
                        + "worker drains each round before the next. Accept = POST /api/v1/apps until its 202; accepted → "
                        + "batch at Livy = from sending that POST until the stand-in answered the batch's create (both "
                        + "clocks are this machine's); drain = batches at Livy per second from a round's first batch "
                        + "at Livy to its last. Real Livy forks spark-submit (pyspark's Spark) for each batch; every such "
                        + "batch is deleted right after its 201 (not timed) so at most one runs.",
                sizes.rounds(), sizes.realLivyPerRound()));
    }

    private static void measure(
            Bench.Sizes sizes,
            Report report,
            Config config,
            int clients,
            long serverPid,
            Http api,
            FakeLivyProcess livy,
            LivyClient direct,
            LivyClient realLivy,
            Path realFile) {
        int perRound = clients == 1 ? sizes.perRoundOne() : sizes.perRoundSixteen();
        AtomicLong counter = new AtomicLong();
        // warm-up of each, not counted
        platformRound(api, livy, clients, perRound, config.key() + "-warm-" + clients);
        directRound(direct, clients, perRound, counter);
        if (realLivy != null) {
            realRound(realLivy, realFile, 2);
        }
        List<long[]> accept = new ArrayList<>();
        List<long[]> endToEnd = new ArrayList<>();
        List<long[]> baseline = new ArrayList<>();
        List<long[]> real = new ArrayList<>();
        double acceptSeconds = 0;
        double drainSeconds = 0;
        double directSeconds = 0;
        double realSeconds = 0;
        Cpu cpu = Cpu.ZERO;
        for (int round = 0; round < sizes.rounds(); round++) {
            Cpu before = Cpu.now(serverPid, livy.pid());
            Round ours = platformRound(api, livy, clients, perRound, config.key() + "-" + clients + "-" + round);
            cpu = cpu.plus(Cpu.now(serverPid, livy.pid()).minus(before));
            accept.add(ours.accept());
            endToEnd.add(ours.endToEnd());
            acceptSeconds += ours.acceptSeconds();
            drainSeconds += ours.drainSeconds();
            long t = System.nanoTime();
            baseline.add(directRound(direct, clients, perRound, counter));
            directSeconds += (System.nanoTime() - t) / 1e9;
            if (realLivy != null) {
                long[] samples = realRound(realLivy, realFile, sizes.realLivyPerRound());
                real.add(samples);
                for (long s : samples) {
                    realSeconds += s / 1e9;
                }
            }
        }
        int total = perRound * sizes.rounds();
        Percentiles acceptP = new Percentiles(concat(accept));
        Percentiles e2eP = new Percentiles(concat(endToEnd));
        Percentiles directP = new Percentiles(concat(baseline));
        double acceptRate = total / acceptSeconds;
        double drainRate = total / drainSeconds;
        double directRate = total / directSeconds;
        String label = "submit (" + config.label() + "), " + clients + (clients == 1 ? " connection" : " connections");
        String samples = String.format("%,d samples each", total);
        report.add(
                label, "accept p50", acceptP.p50Ms(), directP.p50Ms(), "ms", "POST /batches to the stand-in directly");
        report.add(
                label,
                "accept p99 (" + samples + ")",
                acceptP.p99Ms(),
                directP.p99Ms(),
                "ms",
                "POST /batches to the stand-in directly");
        report.add(
                label, "accepted/s", acceptRate, directRate, "/s", "batches/s created at the stand-in directly", true);
        report.add(label, "drain: batches at Livy/s", drainRate, acceptRate, "/s", "accepted/s, same rounds", true);
        report.add(
                label, "accepted → batch at Livy p50", e2eP.p50Ms(), directP.p50Ms(), "ms", "POST /batches directly");
        report.add(
                label, "accepted → batch at Livy p99", e2eP.p99Ms(), directP.p99Ms(), "ms", "POST /batches directly");
        if (realLivy != null) {
            Percentiles realP = new Percentiles(concat(real));
            int realTotal = realP.count();
            String realName = String.format("POST /batches to Livy 0.7.1 (%d samples)", realTotal);
            report.add(label, "accept p50 vs real Livy", acceptP.p50Ms(), realP.p50Ms(), "ms", realName);
            report.add(label, "accept p90 vs real Livy", acceptP.p90Ms(), realP.p90Ms(), "ms", realName);
            report.add(label, "accepted/s vs real Livy", acceptRate, realTotal / realSeconds, "/s", realName, true);
        }
        if (config == DEFAULTS && clients == 1) {
            report.goal(
                    "accept p99 ≤ 20 ms at one client (defaults)",
                    String.format("%.2f ms (%,d samples)", acceptP.p99Ms(), total),
                    acceptP.p99Ms() <= 20);
            report.goal(
                    "accepted → batch at Livy p99 ≤ 200 ms below capacity (defaults, one client)",
                    String.format("%.2f ms", e2eP.p99Ms()),
                    e2eP.p99Ms() <= 200);
        }
        if (config == DEFAULTS && clients == 16) {
            // Where the CPU went in the platform's rounds (accepting and draining them), per accepted app.
            double perApp = 1_000.0 / total;
            int cores = Runtime.getRuntime().availableProcessors();
            // The CPU 1,000 accepted/s leaves each app on this machine, for all four processes: each core's
            // 1,000 ms a second over 1,000 apps.
            double budget = cores;
            String budgetName = "CPU per app at 1,000/s on " + cores + " cores, all four processes";
            report.add(label, "CPU per accepted app, all four", cpu.total() * perApp, budget, "ms", budgetName);
            report.add(label, "CPU per accepted app: spark-server", cpu.server() * perApp, budget, "ms", budgetName);
            report.add(label, "CPU per accepted app: PostgreSQL", cpu.database() * perApp, budget, "ms", budgetName);
            report.add(label, "CPU per accepted app: Livy stand-in", cpu.livy() * perApp, budget, "ms", budgetName);
            report.add(label, "CPU per accepted app: load driver", cpu.driver() * perApp, budget, "ms", budgetName);
            report.note(String.format(
                    "Submission CPU (defaults, 16 connections): the platform's rounds used %.2f ms of CPU per "
                            + "accepted app in all (spark-server %.2f, PostgreSQL %.2f, the stand-in %.2f, the load "
                            + "driver %.2f; utime + stime from /proc, PostgreSQL's live processes). 1,000 accepted/s "
                            + "on %d cores leaves %d ms per app for all four.",
                    cpu.total() * perApp,
                    cpu.server() * perApp,
                    cpu.database() * perApp,
                    cpu.livy() * perApp,
                    cpu.driver() * perApp,
                    cores,
                    cores));
            report.goal(
                    "≥ 1,000 accepted submits/s at 16 connections, synchronous_commit=on (defaults)",
                    // One decimal: a rate just under the goal must not read as the goal itself ("1,000 /s", not met).
                    String.format("%,.1f /s", acceptRate),
                    acceptRate >= 1_000);
            // No app reaches Livy before it is accepted, so a worker that keeps pace drains exactly as fast as apps
            // arrive, and the two rates tie within what the first and the last app's latency add to a round's spans
            // (0.2 to 1.4 % in the runs of 2026-12-06). Met within 2 %: a worker that falls short by more leaves a
            // backlog that grows by more than 200 ms with every 10 s of accepts at this rate.
            report.goal(
                    "drain rate ≥ accept rate at default settings (16 connections)",
                    String.format(
                            "drain %,.0f /s, accept %,.0f /s (%.1f %%; equal within 2 %%, as a worker that keeps pace "
                                    + "ties with the accepts)",
                            drainRate, acceptRate, 100 * drainRate / acceptRate),
                    drainRate >= 0.98 * acceptRate);
        }
    }

    /** CPU seconds used by each process of a submission round. */
    record Cpu(double server, double database, double livy, double driver) {

        static final Cpu ZERO = new Cpu(0, 0, 0, 0);

        static Cpu now(long serverPid, long livyPid) {
            return new Cpu(
                    CpuTime.ofProcess(serverPid),
                    CpuTime.ofCommand("postgres"),
                    CpuTime.ofProcess(livyPid),
                    CpuTime.ofProcess(ProcessHandle.current().pid()));
        }

        Cpu plus(Cpu other) {
            return new Cpu(server + other.server, database + other.database, livy + other.livy, driver + other.driver);
        }

        Cpu minus(Cpu other) {
            return new Cpu(server - other.server, database - other.database, livy - other.livy, driver - other.driver);
        }

        double total() {
            return server + database + livy + driver;
        }
    }

    /** What one round of the platform measured. */
    record Round(long[] accept, long[] endToEnd, double acceptSeconds, double drainSeconds) {}

    /**
     * Sends rounds of submits at 16 connections until the server's JIT compiler has settled ({@link JitWarmUp}), or
     * at most {@link #WARM_UP_ROUNDS} rounds; says how many submits it took and whether it settled. A freshly
     * started JVM spends more CPU compiling than serving, which no long-running server does: with 20 rounds (10,000
     * submits) the compiler still took about a third of a core through every measured round (its threads' CPU time,
     * read from /proc), and with 22,000 a fifth; its rounds add little compilation after some 50,000.
     */
    private static String warmUp(Http api, FakeLivyProcess livy, Bench.Sizes sizes, String key) {
        int maxRounds = sizes.rounds() >= 10 ? WARM_UP_ROUNDS : 1; // the smoke run only checks that it works
        JitWarmUp.Result result = JitWarmUp.run(
                () -> ServerProcess.compilationMillis(api),
                round -> platformRound(api, livy, 16, warmUpRound(sizes), key + "-jit-" + round),
                maxRounds);
        int sent = result.rounds() * warmUpRound(sizes);
        return result.settled()
                ? String.format("settled after %,d submits", sent)
                : String.format("%,d submits, the most it sends, still compiling", sent);
    }

    private static int warmUpRound(Bench.Sizes sizes) {
        return Math.min(WARM_UP_ROUND, sizes.perRoundSixteen());
    }

    private static Round platformRound(Http api, FakeLivyProcess livy, int clients, int count, String prefix) {
        Map<String, Long> sentMicros = new ConcurrentHashMap<>();
        // One kept-alive bare connection per client thread, as wrk would: the JDK's HttpClient cost about half a
        // millisecond of CPU per submit here, on the two cores the server and its database share with it.
        Queue<BareHttpConnection> opened = new ConcurrentLinkedQueue<>();
        ThreadLocal<BareHttpConnection> connections = ThreadLocal.withInitial(() -> {
            BareHttpConnection connection = new BareHttpConnection(api.base());
            opened.add(connection);
            return connection;
        });
        long firstMicros = FakeLivyProcess.nowMicros();
        long start = System.nanoTime();
        long[] accept;
        try {
            accept = Http.concurrently(clients, count, n -> {
                long sent = FakeLivyProcess.nowMicros();
                String body = connections
                        .get()
                        .postAccepted(
                                "/api/v1/apps",
                                api.token(),
                                "{\"name\":\"" + prefix + "-" + n + "\",\"team\":\"bench\","
                                        + "\"cluster\":\"emr\",\"source\":\"s3://bench/job.py\"}");
                sentMicros.put("platy-" + JSON.readTree(body).get("id").asString(), sent);
            });
        } finally {
            opened.forEach(BareHttpConnection::close);
        }
        double acceptSeconds = (System.nanoTime() - start) / 1e9;
        long deadline = System.nanoTime() + 300_000_000_000L;
        long[] endToEnd = new long[sentMicros.size()];
        long lastMicros = firstMicros;
        long firstCreated = Long.MAX_VALUE;
        int i = 0;
        for (Map.Entry<String, Long> sent : sentMicros.entrySet()) {
            Long created;
            while ((created = livy.createdMicros(sent.getKey())) == null) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("batches did not reach Livy within 300 s");
                }
                // Parked, not spun: a spinning driver would take one of the two cores the server and its
                // database are draining on. The times compared are the stand-in's, not when this loop notices.
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
            }
            endToEnd[i++] = (created - sent.getValue()) * 1_000;
            lastMicros = Math.max(lastMicros, created);
            firstCreated = Math.min(firstCreated, created);
        }
        // The drain's own span, first batch to last, against the accepts' (first POST to last 202): a worker that
        // keeps pace has about the same span, only later by one submission's latency.
        double drainSeconds = Math.max(1, lastMicros - Math.min(firstCreated, lastMicros)) / 1e6;
        return new Round(accept, endToEnd, acceptSeconds, drainSeconds);
    }

    private static long[] directRound(LivyClient direct, int clients, int count, AtomicLong counter) {
        return Http.concurrently(
                clients,
                count,
                n -> direct.createBatch(CreateBatchRequest.builder()
                        .file("s3://bench/job.py")
                        .name("direct-" + counter.incrementAndGet() + "-" + UUID.randomUUID())
                        .build()));
    }

    /** POSTs to the real Livy, one at a time; each batch is deleted (untimed) so its spark-submit stops. */
    private static long[] realRound(LivyClient real, Path file, int count) {
        long[] samples = new long[count];
        for (int i = 0; i < count; i++) {
            long t = System.nanoTime();
            Batch batch = real.createBatch(CreateBatchRequest.builder()
                    .file(file.toString())
                    .name("bench-" + UUID.randomUUID())
                    .build());
            samples[i] = System.nanoTime() - t;
            try {
                real.deleteBatch(batch.id());
            } catch (RuntimeException e) {
                // already ended and purged: nothing left to stop
            }
        }
        return samples;
    }

    private static long[] concat(List<long[]> parts) {
        return parts.stream().flatMapToLong(java.util.Arrays::stream).toArray();
    }
}
