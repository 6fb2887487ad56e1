package io.platyspark.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.platyspark.core.cleanup.CleanupProperties;
import io.platyspark.core.cleanup.RetentionCleaner;
import io.platyspark.core.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The store at scale, with realistic rows: apps with four events each, on a database with production settings
 * ({@code synchronous_commit=on}). A page of one cluster's running apps and one app by id, with a small and a huge
 * store; the cleaner purging every finished app (the cascade to their events included), with submissions running
 * all through it, sampled in alternating windows with the cleaner working and idle. spark-server is a process of
 * its own (the runnable jar, default settings but submission off); the cleaner's purge runs here, in the load
 * driver's process, as the cleaner service would in its own: its work is the database's.
 */
final class StoreScenario {

    private static final JsonMapper JSON = new JsonMapper();
    static final int EVENTS_PER_APP = 4;
    /** Cleaner batches per purge window: a window of a few seconds, so the windows alternate many times. */
    static final int BATCHES_PER_WINDOW = 40;
    /** Calls per warm-up round of the server. */
    static final int WARM_UP_ROUND = 1_500;
    /** The most warm-up rounds the server gets before it is measured, settled or not. */
    static final int WARM_UP_ROUNDS = 40;

    private StoreScenario() {}

    /**
     * The cleaner service's settings at their defaults, but {@link #BATCHES_PER_WINDOW} batches a run (a window) and,
     * on a small store, batches small enough that the purge still spans about ten working windows, so the submitter
     * has samples in both kinds (the smoke store's purge would fit in one window of default batches).
     * {@code PLATY_BENCH_PURGE_BATCH} and {@code PLATY_BENCH_PAUSE_RATIO} set the batch size and the pause ratio, to
     * measure others.
     */
    static CleanupProperties purgeSettings(Bench.Sizes sizes) {
        Map<String, String> set = new HashMap<>(Map.of(
                "platy.cleanup.enabled",
                "true",
                "platy.cleanup.max-batches-per-run",
                String.valueOf(BATCHES_PER_WINDOW)));
        Optional.ofNullable(System.getenv("PLATY_BENCH_PAUSE_RATIO"))
                .ifPresent(ratio -> set.put("platy.cleanup.pause-ratio", ratio));
        int defaultBatch = bind(set).batchSize();
        long finished = sizes.storeApps() * 9L / 10;
        String batch = Optional.ofNullable(System.getenv("PLATY_BENCH_PURGE_BATCH"))
                .orElse(String.valueOf(Math.max(1, Math.min(defaultBatch, finished / (BATCHES_PER_WINDOW * 10L)))));
        set.put("platy.cleanup.batch-size", batch);
        return bind(set);
    }

    private static CleanupProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("platy.cleanup", CleanupProperties.class);
    }

    static void run(Bench.Sizes sizes, Report report, Path repo) throws Exception {
        CleanupProperties purgeSettings = purgeSettings(sizes);
        Path jar = ServerProcess.jar(repo);
        TestDatabase.Database database = BenchDatabase.production();
        try (ServerProcess process = ServerProcess.start(
                        ServerProcess.javaJar(jar),
                        database,
                        Map.of("platy.submission.enabled", "false", "platy.security.local-source-roots", "/opt/apps"));
                HikariDataSource dataSource = new HikariDataSource()) {
            dataSource.setJdbcUrl(database.url());
            dataSource.setUsername(database.user());
            dataSource.setPassword(database.password());
            dataSource.setMaximumPoolSize(2);
            process.awaitReady();
            Http server = process.api();
            JdbcClient jdbc = JdbcClient.create(dataSource);
            String settings = BenchDatabase.settings(database);
            // Running apps are g % 10 = 7 and the cluster is g % 20: cluster-7 holds g % 20 = 7, all of them
            // running, so the page is full (the old seed put no running app on cluster-7 and timed an empty page).
            String listPath = "/api/v1/apps?cluster=cluster-7&state=RUNNING&limit=100";

            insert(jdbc, 1, sizes.smallStore());
            // Submission is off here, so every submit stays active: the bench team's quota is raised above all the
            // submits the warm-up and a long purge send (a quota is not what is measured).
            server.put("/api/v1/admin/teams/bench/quota", "{\"maxActiveApps\":1000000,\"submitsPerMinute\":1000000}");
            String warmUp = warmUp(server, jdbc, listPath, sizes);
            Percentiles smallList = list(server, jdbc, sizes.listRequests(), listPath);
            Percentiles smallGet = gets(server, jdbc, sizes.listRequests());
            long start = System.nanoTime();
            insert(jdbc, sizes.smallStore() + 1, sizes.storeApps());
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            jdbc.sql("analyze apps").update();
            jdbc.sql("analyze app_events").update();
            long apps = jdbc.sql("select count(*) from apps").query(Long.class).single();
            long events = jdbc.sql("select count(*) from app_events")
                    .query(Long.class)
                    .single();
            Percentiles largeList = list(server, jdbc, sizes.listRequests(), listPath);
            Percentiles largeGet = gets(server, jdbc, sizes.listRequests());
            String rows = String.format("%,d apps, %,d events", apps, events);
            String small = String.format("same, %,d apps", sizes.smallStore());
            report.add(
                    "store: list a full page of 100",
                    "p50 with " + rows,
                    largeList.p50Ms(),
                    smallList.p50Ms(),
                    "ms",
                    small);
            report.add(
                    "store: list a full page of 100",
                    "p99 with " + rows,
                    largeList.p99Ms(),
                    smallList.p99Ms(),
                    "ms",
                    small);
            report.add("store: get one app", "p50 with " + rows, largeGet.p50Ms(), smallGet.p50Ms(), "ms", small);
            report.add("store: get one app", "p99 with " + rows, largeGet.p99Ms(), smallGet.p99Ms(), "ms", small);
            double worst = Math.max(largeList.p99Ms(), largeGet.p99Ms());
            report.goal(
                    "list/get p99 ≤ 10 ms with 1M apps and 4M events, full page, one client",
                    String.format(
                            "list p99 %.2f ms, get p99 %.2f ms (%s; %,d samples each)",
                            largeList.p99Ms(), largeGet.p99Ms(), rows, largeList.count()),
                    worst <= 10);
            report.note(String.format(
                    "Store: %s (90%% finished, 10%% running, %d events each, 20 clusters, 50 "
                            + "teams) loaded in %.1f s by SQL; list = GET %s (every answer checked to hold 100 apps), get = "
                            + "GET /api/v1/apps/{id} of random running apps; %,d requests each from 1 client after a "
                            + "warm-up of each. spark-server is `java -Xmx512m -jar spark-server-exec.jar`, a process of "
                            + "its own at its defaults (submission off), first sent lists, gets and submits from 2 "
                            + "clients in rounds of %,d until %d rounds in a row added under %.0f ms of JIT compilation "
                            + "in all (%s), as a server that has run a while would be; the load driver and the "
                            + "cleaner's purge run in the bench's process. Database: %s.",
                    rows,
                    EVENTS_PER_APP,
                    loadSeconds,
                    listPath,
                    largeList.count(),
                    WARM_UP_ROUND,
                    JitWarmUp.WINDOW,
                    JitWarmUp.SETTLED_MILLIS,
                    warmUp,
                    settings));

            purge(server, jdbc, report, settings, purgeSettings);
        }
    }

    /**
     * The cleaner purges in windows of {@link #BATCHES_PER_WINDOW} batches, each followed by an idle window as long
     * as it; one client submits all the while, and each submit counts for the window it started in. Both sets of
     * samples come from the whole purge, interleaved, so the machine's other load falls on both alike.
     */
    private static void purge(
            Http server, JdbcClient jdbc, Report report, String settings, CleanupProperties properties) {
        long finished = jdbc.sql("select count(*) from apps where finished_at is not null")
                .query(Long.class)
                .single();
        // The cascade removes exactly the finished apps' events (submits during the purge add events of their own).
        long finishedEvents = jdbc.sql("select count(*) from app_events e join apps a on a.id = e.app_id "
                        + "where a.finished_at is not null")
                .query(Long.class)
                .single();
        // The cleaner service's purge (purgeSettings), on its own connection.
        RetentionCleaner cleaner = new RetentionCleaner(jdbc, properties, Clock.systemUTC(), new SimpleMeterRegistry());
        AtomicBoolean purging = new AtomicBoolean();
        AtomicBoolean done = new AtomicBoolean();
        ConcurrentLinkedQueue<Long> busy = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Long> quiet = new ConcurrentLinkedQueue<>();
        // The submitter's one kept-alive bare connection, as wrk would: the JDK's HttpClient took about half a
        // millisecond of CPU per submit, on the two cores the server, its database and the purge share.
        BareHttpConnection connection = new BareHttpConnection(server.base());
        // warm-up, not counted
        for (int i = 0; i < 100; i++) {
            submit(connection, server.token(), "warm-" + i);
        }
        CompletableFuture<Void> submitter = CompletableFuture.runAsync(() -> {
            int n = 0;
            while (!done.get()) {
                boolean during = purging.get();
                long t = System.nanoTime();
                submit(connection, server.token(), "during-" + n++);
                (during ? busy : quiet).add(System.nanoTime() - t);
            }
        });
        long purgedApps = 0;
        int batches = 0;
        int windows = 0;
        double purgeSeconds = 0;
        try {
            while (true) {
                purging.set(true);
                long t = System.nanoTime();
                RetentionCleaner.Result result = cleaner.runOnce();
                long took = System.nanoTime() - t;
                purging.set(false);
                purgeSeconds += took / 1e9;
                purgedApps += result.apps();
                batches += result.batches();
                windows++;
                if (result.apps() == 0) {
                    break;
                }
                pause(took);
            }
        } finally {
            done.set(true);
            submitter.join();
            connection.close();
        }
        long eventsLeft = jdbc.sql("select count(*) from app_events e join apps a on a.id = e.app_id "
                        + "where a.finished_at is not null")
                .query(Long.class)
                .single();
        long purgedEvents = finishedEvents - eventsLeft;
        Percentiles during =
                new Percentiles(busy.stream().mapToLong(Long::longValue).toArray());
        Percentiles idle =
                new Percentiles(quiet.stream().mapToLong(Long::longValue).toArray());
        report.add(
                "store: submit during purge",
                "submit p99, cleaner working",
                during.p99Ms(),
                idle.p99Ms(),
                "ms",
                "submit p99, cleaner idle (interleaved)");
        report.add(
                "store: submit during purge",
                "submit p50, cleaner working",
                during.p50Ms(),
                idle.p50Ms(),
                "ms",
                "submit p50, cleaner idle (interleaved)");
        report.figure(
                "store: cleaner",
                String.format("purge %,d finished apps and %,d events", purgedApps, purgedEvents),
                purgeSeconds,
                "s");
        report.goal(
                "purge of 1M finished apps with their events ≤ 60 s",
                String.format("%,d apps and %,d events in %.1f s", purgedApps, purgedEvents, purgeSeconds),
                purgeSeconds <= 60 * Math.max(1.0, purgedApps / 1_000_000.0));
        report.goal(
                "submit p99 during the purge ≤ 1.2× without it (interleaved)",
                String.format(
                        "%.2f ms working vs %.2f ms idle (%.2f×; %,d and %,d samples)",
                        during.p99Ms(), idle.p99Ms(), during.p99Ms() / idle.p99Ms(), during.count(), idle.count()),
                during.p99Ms() <= 1.2 * idle.p99Ms());
        report.note(String.format(
                "Cleaner: deleted %,d of %,d finished apps (with %,d events, by the cascade) in "
                        + "%d batches of %,d, %.1f s (%,.0f apps/s) in %d windows of %d batches, each followed by an "
                        + "idle window as long; after each batch the cleaner paused %s times as long as the batch took "
                        + "(the pauses are in the purge's time); 1 client submitted all "
                        + "through (%,d submits while the cleaner worked, %,d while it was idle). Database: %s.",
                purgedApps,
                finished,
                purgedEvents,
                batches,
                properties.batchSize(),
                purgeSeconds,
                purgedApps / purgeSeconds,
                windows,
                BATCHES_PER_WINDOW,
                properties.pauseRatio(),
                during.count(),
                idle.count(),
                settings));
    }

    private static void pause(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Seeds apps {@code from..to} and {@link #EVENTS_PER_APP} events each, 100,000 apps a statement. */
    private static void insert(JdbcClient jdbc, int from, int to) {
        int chunk = 100_000;
        for (int low = from; low <= to; low += chunk) {
            int high = Math.min(to, low + chunk - 1);
            jdbc.sql("""
                    with seeded as (
                        insert into apps (id, name, team, cluster_name, source, state, next_attempt_at, created_at,
                                          updated_at, submitted_at, started_at, finished_at)
                        select gen_random_uuid(), 'bench-' || g, 'team-' || (g % 50), 'cluster-' || (g % 20),
                               '/opt/apps/etl.py', case when g % 10 = 7 then 'RUNNING' else 'SUCCEEDED' end,
                               ts, ts, ts, ts, ts, case when g % 10 = 7 then null else ts end
                        from (select g, now() - interval '60 days' + g * interval '1 millisecond' as ts
                              from generate_series(:low, :high) g) s
                        returning id, created_at, state
                    )
                    insert into app_events (app_id, at, from_state, to_state, reason)
                    select id, created_at + e * interval '1 second',
                           (array[null, 'PENDING', 'SUBMITTED', 'RUNNING'])[e],
                           case when e < 4 then (array['PENDING', 'SUBMITTED', 'RUNNING'])[e] else state end,
                           case when e = 1 then 'accepted' end
                    from seeded, generate_series(1, 4) e
                    """).param("low", low).param("high", high).update();
        }
    }

    /**
     * Rounds of {@link #WARM_UP_ROUND} of the calls measured here (lists, gets, submits) until the server's JIT
     * compiler has settled ({@link JitWarmUp}), as on a server that has run a while, or at most
     * {@link #WARM_UP_ROUNDS}; says how many calls it took, and whether it settled.
     */
    private static String warmUp(Http server, JdbcClient jdbc, String listPath, Bench.Sizes sizes) {
        List<UUID> ids = jdbc.sql("select id from apps where state = 'RUNNING' limit 100")
                .query(UUID.class)
                .list();
        int maxRounds = sizes.name().equals("smoke") ? 1 : WARM_UP_ROUNDS;
        JitWarmUp.Result result = JitWarmUp.run(
                () -> ServerProcess.compilationMillis(server),
                round -> Http.concurrently(2, WARM_UP_ROUND, n -> {
                    switch (n % 3) {
                        case 0 -> server.get(listPath);
                        case 1 -> server.get("/api/v1/apps/" + ids.get(n % ids.size()));
                        default -> submit(server, "jit-" + round + "-" + n);
                    }
                }),
                maxRounds);
        int sent = result.rounds() * WARM_UP_ROUND;
        return result.settled()
                ? String.format("settled after %,d calls", sent)
                : String.format("%,d calls, the most it sends, still compiling", sent);
    }

    private static Percentiles list(Http server, JdbcClient jdbc, int requests, String path) {
        long full = Math.min(
                100,
                jdbc.sql("select count(*) from apps where cluster_name = 'cluster-7' and state = " + "'RUNNING'")
                        .query(Long.class)
                        .single());
        if (full == 0) {
            throw new IllegalStateException(
                    "the seed put no running app on cluster-7: the list would time an empty " + "page");
        }
        Http.concurrently(1, Math.max(5, requests / 10), n -> server.get(path)); // warm-up
        return new Percentiles(Http.concurrently(1, requests, n -> {
            int items = JSON.readTree(server.get(path).body()).get("items").size();
            if (items != full) {
                throw new IllegalStateException(path + " answered " + items + " apps, not a full page of " + full);
            }
        }));
    }

    private static Percentiles gets(Http server, JdbcClient jdbc, int requests) {
        List<UUID> ids =
                new ArrayList<>(jdbc.sql("select id from apps where state = 'RUNNING' order by random() " + "limit :n")
                        .param("n", requests)
                        .query(UUID.class)
                        .list());
        Collections.shuffle(ids);
        Http.concurrently(1, Math.max(5, requests / 10), n -> server.get("/api/v1/apps/" + ids.get(n % ids.size())));
        return new Percentiles(Http.concurrently(
                1, requests, n -> server.get("/api/v1/apps/" + ids.get(n % ids.size()))));
    }

    private static void submit(Http server, String name) {
        server.post("/api/v1/apps", submitBody(name));
    }

    private static void submit(BareHttpConnection connection, String token, String name) {
        try {
            connection.postAccepted("/api/v1/apps", token, submitBody(name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("POST /api/v1/apps failed", e);
        }
    }

    private static String submitBody(String name) {
        return "{\"name\":\"" + name + "\",\"team\":\"bench\",\"cluster\":\"local\","
                + "\"source\":\"/opt/apps/etl.py\"}";
    }
}
