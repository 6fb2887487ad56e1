package io.platyspark.core.cleanup;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.platyspark.core.app.AppState;
import io.platyspark.core.cluster.ClusterState;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Keeps the store small: deletes finished apps (their events go with them) and terminated clusters once they are
 * older than their retention, in bounded batches so no statement holds locks for long and a huge backlog is
 * worked off over several runs. After each batch it pauses {@code pause-ratio} times as long as the batch took, so a
 * backlog's purge leaves the database's disk and CPU to the submits beside it.
 */
public class RetentionCleaner {

    private static final Logger log = LoggerFactory.getLogger(RetentionCleaner.class);

    private final JdbcClient jdbc;
    private final CleanupProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;
    private final LongSupplier nanoTime;
    private final Pause pause;

    public RetentionCleaner(JdbcClient jdbc, CleanupProperties properties, Clock clock, MeterRegistry meters) {
        this(jdbc, properties, clock, meters, System::nanoTime, RetentionCleaner::sleep);
    }

    RetentionCleaner(
            JdbcClient jdbc,
            CleanupProperties properties,
            Clock clock,
            MeterRegistry meters,
            LongSupplier nanoTime,
            Pause pause) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.nanoTime = nanoTime;
        this.pause = pause;
    }

    /** How the purge waits between batches: a sleep, or a test's record of the pauses. */
    @FunctionalInterface
    interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    /**
     * Sleeps {@code duration}, to the tens of microseconds the kernel's timers allow. {@code Thread.sleep(millis,
     * nanos)} (and {@code TimeUnit.sleep}, which calls it) rounds up to the next whole millisecond before Java 21:
     * a pause of 0.6 ms after a batch of 50 apps slept 1 ms and more, so the clock's grain, not
     * {@code pause-ratio}, set the pace of small batches (at ratio 1, 4.1-4.2 ms per batch of 50; 3.4-3.6 ms with
     * this sleep).
     */
    static void sleep(Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        for (long left = duration.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left); // may return early (a spurious wake-up): the loop sleeps the rest
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted during a pause between purge batches");
            }
        }
    }

    /** One run: apps first, then clusters. */
    public Result runOnce() {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "success";
        try {
            Instant now = clock.instant();
            Purge apps = purge(APPS, Timestamp.from(now.minus(properties.appRetention())));
            Purge clusters = purge(CLUSTERS, Timestamp.from(now.minus(properties.clusterRetention())));
            Result result =
                    new Result(apps.rows(), clusters.rows(), apps.batches() + clusters.batches(), properties.dryRun());
            if (result.apps() + result.clusters() > 0) {
                log.info(
                        "{} {} finished apps and {} terminated clusters in {} batches",
                        properties.dryRun() ? "would delete" : "deleted",
                        result.apps(),
                        result.clusters(),
                        result.batches());
            }
            return result;
        } catch (RuntimeException e) {
            outcome = "error";
            throw e;
        } finally {
            sample.stop(meters.timer(
                    "platy.cleanup.run", "outcome", outcome, "dry_run", String.valueOf(properties.dryRun())));
        }
    }

    /** What one table's purge deletes: rows in an ended state whose end is older than the cutoff. */
    record Target(String table, String timeColumn, List<String> endedStates) {

        /** The rows to purge, with the ended states as literals: the partial index (V8) is chosen only then. */
        String where() {
            return "state in (" + endedStates.stream().map(s -> "'" + s + "'").collect(Collectors.joining(", "))
                    + ") and " + timeColumn + " < :cutoff";
        }

        /**
         * One batch: the oldest {@code batchSize} rows from {@code :from} on, skipping those another transaction holds;
         * answers how many it deleted and the latest end among them. The rows are locked and their places
         * ({@code ctid}) taken as an array, so the delete goes straight to each row's page (a TID scan): by
         * {@code id} it descended the primary key once more for every row, a quarter of the batch's time (4.2 against
         * 3.1-3.4 ms for 250 apps with their events, pgbench on PostgreSQL 17), and with {@code id in (subquery)} the
         * planner may hash-join against a scan of the whole table. A locked row cannot move, so its place stays true
         * until the delete. Each batch starts where the last one ended ({@code :from}): the rows already deleted stay
         * in the index until vacuum, and a scan from the start would step over all of them again.
         *
         * <p>The batch's transaction commits without waiting for its WAL to reach the disk
         * ({@code synchronous_commit} off for that transaction only): a batch lost in a crash leaves rows the next run
         * deletes again, and any later commit that waits (every submit's) makes it durable too. The submits beside
         * the purge then queue behind no flush of the purge's own.
         *
         * <p>The batch size is written into the statement, not bound: with {@code limit $n} PostgreSQL's generic plan
         * expects a tenth of the rows it guesses and looks dear, so it planned the statement afresh for every batch
         * (0.15 ms of a 0.6 ms batch of 25); with the limit known the generic plan is as cheap and is kept.
         */
        String batchSql(int batchSize) {
            return "with async as (select set_config('synchronous_commit', 'off', true) as setting),"
                    + " purged as (delete from " + table + " where ctid = any(array(select ctid from " + table
                    + " where " + where() + " and " + timeColumn + " >= :from order by " + timeColumn
                    + " limit " + batchSize + " for update skip locked)) returning " + timeColumn
                    + ") select count(*) as n, max("
                    + timeColumn + ") as last from purged where (select setting from async) is not null";
        }
    }

    static final Target APPS = new Target(
            "apps",
            "finished_at",
            AppState.terminalStates().stream()
                    .map(Enum::name)
                    .sorted(byDeclaration(AppState.class))
                    .toList());
    static final Target CLUSTERS = new Target(
            "clusters",
            "terminated_at",
            ClusterState.terminatedStates().stream()
                    .map(Enum::name)
                    .sorted(byDeclaration(ClusterState.class))
                    .toList());

    private static <E extends Enum<E>> Comparator<String> byDeclaration(Class<E> type) {
        return Comparator.comparingInt(name -> Enum.valueOf(type, name).ordinal());
    }

    private Purge purge(Target target, Timestamp cutoff) {
        String table = target.table();
        if (properties.dryRun()) {
            long rows = jdbc.sql("select count(*) from " + table + " where " + target.where())
                    .param("cutoff", cutoff)
                    .query(Long.class)
                    .single();
            return new Purge(rows, 0);
        }
        long total = 0;
        int batches = 0;
        Timestamp from = new Timestamp(0);
        long took = 0;
        while (batches < properties.maxBatchesPerRun()) {
            if (batches > 0 && !pauseAfter(took)) {
                break;
            }
            long started = nanoTime.getAsLong();
            // skip locked: a row another transaction holds (a late reconcile) is simply left for the next run.
            Batch batch = jdbc.sql(target.batchSql(properties.batchSize()))
                    .param("cutoff", cutoff)
                    .param("from", from)
                    .query((rs, n) -> new Batch(rs.getInt("n"), rs.getTimestamp("last")))
                    .single();
            took = nanoTime.getAsLong() - started;
            int deleted = batch.deleted();
            if (batch.last() != null) {
                from = batch.last();
            }
            batches++;
            total += deleted;
            meters.counter("platy.cleanup.purged", "table", table).increment(deleted);
            if (deleted < properties.batchSize()) {
                break;
            }
        }
        return new Purge(total, batches);
    }

    /**
     * The pause before the next batch, as long as the last one took times the ratio; false when the thread was
     * interrupted (the service is stopping), with the interrupt kept for the caller.
     */
    private boolean pauseAfter(long tookNanos) {
        long nanos = (long) (tookNanos * properties.pauseRatio());
        if (nanos <= 0) {
            return true;
        }
        try {
            pause.pause(Duration.ofNanos(nanos));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private record Purge(long rows, int batches) {}

    private record Batch(int deleted, Timestamp last) {}

    /** What a run deleted, or with {@code dryRun} would delete. */
    public record Result(long apps, long clusters, int batches, boolean dryRun) {}
}
