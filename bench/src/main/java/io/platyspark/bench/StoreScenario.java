package io.platyspark.bench;

import io.platyspark.core.cleanup.RetentionCleaner;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The store at scale: listing a page of one cluster's apps in one state with a small and a huge store; the cleaner
 * purging every finished app; submissions while it runs against submissions without it.
 */
final class StoreScenario {

    private StoreScenario() {
    }

    static void run(Bench.Sizes sizes, Report report) {
        try (BenchServer server = new BenchServer(Map.of(
                "platy.submission.enabled", "false",
                "platy.cleanup.app-retention", "30d",
                "platy.cleanup.batch-size", "1000",
                "platy.cleanup.max-batches-per-run", "1000000"))) {
            JdbcClient jdbc = JdbcClient.create(server.dataSource());
            String listPath = "/api/v1/apps?cluster=cluster-7&state=RUNNING&limit=100";

            insert(jdbc, 1, sizes.smallStore());
            Percentiles small = list(server, sizes.listRequests(), listPath);
            long start = System.nanoTime();
            insert(jdbc, sizes.smallStore() + 1, sizes.storeApps());
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            jdbc.sql("analyze apps").update();
            Percentiles large = list(server, sizes.listRequests(), listPath);
            String rows = String.format("%,d", sizes.storeApps());
            report.add("store: list page of 100", "p50 with " + rows + " apps", large.p50Ms(), small.p50Ms(), "ms",
                    String.format("same query, %,d apps", sizes.smallStore()));
            report.add("store: list page of 100", "p99 with " + rows + " apps", large.p99Ms(), small.p99Ms(), "ms",
                    String.format("same query, %,d apps", sizes.smallStore()));
            report.note(String.format("Store: %,d apps (90%% finished, 10%% running, 20 clusters, 50 teams) loaded "
                    + "in %.1f s by SQL; list = GET %s, %d requests from 1 client.", sizes.storeApps(), loadSeconds,
                    listPath, sizes.listRequests()));

            Percentiles quiet = submits(server, sizes.submitRequests(), 0);
            long finished = jdbc.sql("select count(*) from apps where finished_at is not null").query(Long.class)
                    .single();
            RetentionCleaner cleaner = server.bean(RetentionCleaner.class);
            long purgeStart = System.nanoTime();
            CompletableFuture<RetentionCleaner.Result> purge = CompletableFuture.supplyAsync(cleaner::runOnce);
            Percentiles busy = submits(server, sizes.submitRequests(), 1_000_000);
            RetentionCleaner.Result purged = purge.join();
            double purgeSeconds = (System.nanoTime() - purgeStart) / 1e9;
            report.add("store: submit during purge", "submit p99, cleaner running", busy.p99Ms(), quiet.p99Ms(), "ms",
                    "submit p99, cleaner idle");
            report.add("store: submit during purge", "submit p50, cleaner running", busy.p50Ms(), quiet.p50Ms(), "ms",
                    "submit p50, cleaner idle");
            report.add("store: cleaner", String.format("purge %,d finished apps", purged.apps()), purgeSeconds,
                    Double.NaN, "s", "–");
            report.note(String.format("Cleaner: deleted %,d of %,d finished apps in %d batches of 1,000 in %.1f s "
                    + "(%,.0f rows/s) while %d submits ran from 8 clients.", purged.apps(), finished,
                    purged.batches(), purgeSeconds, purged.apps() / purgeSeconds, sizes.submitRequests()));
        }
    }

    private static void insert(JdbcClient jdbc, int from, int to) {
        int chunk = 200_000;
        for (int low = from; low <= to; low += chunk) {
            int high = Math.min(to, low + chunk - 1);
            jdbc.sql("""
                    insert into apps (id, name, team, cluster_name, source, state, next_attempt_at, created_at,
                                      updated_at, finished_at)
                    select gen_random_uuid(), 'bench-' || g, 'team-' || (g % 50), 'cluster-' || (g % 20),
                           '/opt/apps/etl.py', case when g % 10 = 0 then 'RUNNING' else 'SUCCEEDED' end,
                           ts, ts, ts, case when g % 10 = 0 then null else ts end
                    from (select g, now() - interval '60 days' + g * interval '1 millisecond' as ts
                          from generate_series(:low, :high) g) s
                    """).param("low", low).param("high", high).update();
        }
    }

    private static Percentiles list(BenchServer server, int requests, String path) {
        Http.concurrently(1, Math.max(5, requests / 10), n -> server.http.get(path)); // warm-up
        return new Percentiles(Http.concurrently(1, requests, n -> server.http.get(path)));
    }

    private static Percentiles submits(BenchServer server, int requests, int offset) {
        return new Percentiles(Http.concurrently(8, requests, n -> server.http.post("/api/v1/apps",
                "{\"name\":\"submit-" + (offset + n) + "\",\"team\":\"bench\",\"cluster\":\"local\","
                        + "\"source\":\"/opt/apps/etl.py\"}")));
    }

    static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }
}
