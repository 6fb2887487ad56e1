package io.platyspark.bench;

import io.platyspark.core.submit.SubmissionWorker;
import io.platyspark.core.testing.TestDatabase;
import io.platyspark.livy.fake.FakeLivy;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A spark-server replica killed with {@code kill -9} while it is submitting: the time until every app it held is
 * on its backend, taken over by the replica that lives, and how many batches ran twice (none may). The replica
 * that dies is the runnable jar in a process of its own; the one that lives runs in this JVM; both share one
 * PostgreSQL and one Livy stand-in that answers creates slowly while the first replica lives, so it dies with
 * claims in hand.
 */
final class RecoveryScenario {

    private RecoveryScenario() {}

    static void run(Bench.Sizes sizes, Report report, Path repo) throws Exception {
        Path jar = ServerProcess.jar(repo);
        int apps = sizes.recoveryApps();
        AtomicBoolean slow = new AtomicBoolean(true);
        Map<String, AtomicInteger> batchesByName = new ConcurrentHashMap<>();
        try (FakeLivy livy = new FakeLivy()) {
            livy.onCreate(batch -> {
                batchesByName
                        .computeIfAbsent(batch.name(), n -> new AtomicInteger())
                        .incrementAndGet();
                if (slow.get()) {
                    sleep(5_000);
                }
            });
            TestDatabase.Database db = BenchDatabase.production();
            ServerProcess doomed = ServerProcess.start(
                    ServerProcess.javaJar(jar),
                    db,
                    Map.of(
                            "platy.local.enabled",
                            "false",
                            "platy.submission.enabled",
                            "true",
                            "platy.security.allowed-livy-hosts",
                            "localhost,127.0.0.1",
                            "platy.security.allowed-buckets",
                            "bench"));
            // The replica that lives: already running when the other dies, as in a deployment of two.
            try (BenchServer survivor = new BenchServer(Map.of(
                    "platy.submission.enabled", "true",
                    "spring.datasource.url", db.url(),
                    "platy.security.allowed-livy-hosts", "localhost,127.0.0.1",
                    "platy.security.allowed-buckets", "bench"))) {
                String survivorOwner = survivor.bean(SubmissionWorker.class).owner();
                doomed.awaitReady();
                Http first = doomed.api();
                first.post(
                        "/api/v1/clusters",
                        "{\"name\":\"emr\",\"kind\":\"DEDICATED\",\"team\":\"bench\"," + "\"livyUrl\":\"" + livy.url()
                                + "\"}");
                JdbcClient store = JdbcClient.create(new org.springframework.jdbc.datasource.DriverManagerDataSource(
                        db.url(), db.user(), db.password()));
                for (int n = 0; n < apps; n++) {
                    first.post(
                            "/api/v1/apps",
                            "{\"name\":\"recover-" + n + "\",\"team\":\"bench\","
                                    + "\"cluster\":\"emr\",\"source\":\"s3://bench/job.py\"}");
                }
                long deadline = System.nanoTime() + 60_000_000_000L;
                int inFlight;
                while ((inFlight = heldByOthers(store, survivorOwner)) == 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the first replica claimed nothing in 60 s");
                    }
                    Thread.sleep(5);
                }
                long killedAt = System.nanoTime();
                doomed.kill();
                slow.set(false);
                long settleDeadline = killedAt + 600_000_000_000L;
                while (unsettled(store) > 0) {
                    if (System.nanoTime() > settleDeadline) {
                        throw new IllegalStateException(
                                unsettled(store) + " apps still unsettled 10 min after " + "the kill");
                    }
                    Thread.sleep(20);
                }
                double seconds = (System.nanoTime() - killedAt) / 1e9;
                int duplicates = batchesByName.values().stream()
                        .mapToInt(c -> c.get() - 1)
                        .sum();
                report.add(
                        "recovery after kill -9 of spark-server",
                        "kill -9 → every in-flight app settled",
                        seconds,
                        300,
                        "s",
                        "the 5-minute claim lease before");
                report.add(
                        "recovery after kill -9 of spark-server",
                        "batches run twice",
                        duplicates,
                        0,
                        "batches",
                        "none allowed");
                report.note(String.format(
                        "Recovery: %d apps submitted to a replica (the runnable jar) that "
                                + "held %d claims when it was killed with SIGKILL; the other replica (running all along) "
                                + "took them over once their claim lease (15 s) was no longer renewed, and found by name "
                                + "the batches the dead one had created. Settled = on the backend (SUBMITTED or later). "
                                + "The baseline is the lease before this change, not measured.",
                        apps, inFlight));
            } finally {
                doomed.kill();
            }
        }
    }

    private static int heldByOthers(JdbcClient store, String survivor) {
        return store.sql("select count(*) from apps where lease_owner is not null and lease_owner <> :survivor "
                        + "and state = 'PENDING'")
                .param("survivor", survivor)
                .query(Integer.class)
                .single();
    }

    private static int unsettled(JdbcClient store) {
        return store.sql("select count(*) from apps where state in ('PENDING', 'WAITING_FOR_CLUSTER', "
                        + "'BUILDING_ENV')")
                .query(Integer.class)
                .single();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
