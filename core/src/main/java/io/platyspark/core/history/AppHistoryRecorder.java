package io.platyspark.core.history;

import io.micrometer.core.instrument.MeterRegistry;
import io.platyspark.core.app.AppLinks;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.app.SparkAppStore;
import io.platyspark.core.backend.BackendUnavailableException;
import io.platyspark.core.backend.EventLogDirectory;
import io.platyspark.core.backend.EventLogLocator;
import io.platyspark.core.backend.HistoryLinks;
import io.platyspark.core.backend.LogArchive;
import io.platyspark.core.backend.SparkEventLogMetrics;
import io.platyspark.core.cluster.Cluster;
import io.platyspark.core.cluster.ClusterStore;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Records what an ended app's cluster left behind, so that it outlives the cluster: the metrics summary of its
 * Spark event log, a History Server link to it, and where the durable copy of its logs is. Ended apps are claimed a
 * batch at a time ({@code for update skip locked}, so several watchdogs share the work) and visited again after
 * {@code retry-delay} while the event log is not there or not finished yet, at most {@code max-attempts} times.
 * Reading a large log takes seconds, so this runs on its own schedule, never inside a reconcile cycle.
 */
public class AppHistoryRecorder {

    private static final Logger log = LoggerFactory.getLogger(AppHistoryRecorder.class);
    /** Written as the partial index apps_purge is (state in the terminal states), so that index serves the look-up. */
    private static final String ENDED = "state in ("
            + Arrays.stream(AppState.values())
                    .filter(AppState::isTerminal)
                    .map(s -> "'" + s.name() + "'")
                    .collect(Collectors.joining(", "))
            + ")";

    private final JdbcClient jdbc;
    private final SparkAppStore apps;
    private final ClusterStore clusters;
    private final List<EventLogLocator> locators;
    private final LogArchive archive;
    private final HistoryProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;

    public AppHistoryRecorder(
            JdbcClient jdbc,
            SparkAppStore apps,
            ClusterStore clusters,
            List<EventLogLocator> locators,
            LogArchive archive,
            HistoryProperties properties,
            Clock clock,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.apps = apps;
        this.clusters = clusters;
        this.locators = List.copyOf(locators);
        this.archive = archive;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
    }

    /** One look: claims due ended apps and records their history; returns how many were finished with. */
    public int runOnce() {
        Instant now = clock.instant();
        List<Claimed> claimed = jdbc.sql("""
                update apps set history_attempts = history_attempts + 1, history_due_at = :retryAt
                where id in (
                    select id from apps
                    where %s and finished_at >= :since and history_attempts < :max
                      and (history_due_at is null or history_due_at <= :now)
                    order by finished_at
                    limit :limit
                    for update skip locked)
                returning id, history_attempts
                """.formatted(ENDED))
                .param("retryAt", Timestamp.from(now.plus(properties.retryDelay())))
                .param("since", Timestamp.from(now.minus(properties.lookBack())))
                .param("max", properties.maxAttempts())
                .param("now", Timestamp.from(now))
                .param("limit", properties.batchSize())
                .query((rs, i) -> new Claimed(rs.getObject("id", UUID.class), rs.getInt("history_attempts")))
                .list();
        int finished = 0;
        for (Claimed c : claimed) {
            Optional<SparkApp> app = apps.find(c.id);
            String outcome;
            try {
                outcome = app.isPresent() ? record(app.get()) : "done";
            } catch (BackendUnavailableException | IOException e) {
                log.warn("could not read the history of app {} yet (attempt {}): {}", c.id, c.attempts, e.getMessage());
                outcome = "error";
            } catch (RuntimeException e) {
                log.warn("could not record the history of app {} (attempt {})", c.id, c.attempts, e);
                outcome = "error";
            }
            meters.counter("platy.history.visits", "outcome", outcome).increment();
            if (outcome.equals("done") || c.attempts >= properties.maxAttempts()) {
                jdbc.sql("update apps set history_due_at = 'infinity' where id = :id")
                        .param("id", c.id)
                        .update();
                finished++;
            }
        }
        return finished;
    }

    private record Claimed(UUID id, int attempts) {}

    /** Records what is there; "done" when nothing more will come, "later" when the event log may still appear. */
    String record(SparkApp app) throws IOException {
        Cluster cluster =
                app.clusterId() == null ? null : clusters.find(app.clusterId()).orElse(null);
        if (cluster == null) {
            return "done";
        }
        String logUri =
                app.links().logUri() == null ? archive.location(cluster, app).orElse(null) : null;
        String outcome = "done";
        Map<String, Long> metrics = null;
        String historyUrl = null;
        Optional<EventLogDirectory> dir = locators.stream()
                .map(l -> l.directory(cluster))
                .flatMap(Optional::stream)
                .findFirst();
        if (dir.isPresent() && app.backendAppId() != null) {
            Optional<SparkEventLogMetrics.Summary> summary =
                    SparkEventLogMetrics.summarize(dir.get(), app.backendAppId());
            if (summary.isEmpty()) {
                outcome = "later";
            } else {
                metrics = summary.get().metrics();
                historyUrl = HistoryLinks.appUrl(
                        properties.serverUrl(),
                        app.backendAppId(),
                        summary.get().attemptId());
                if (!summary.get().complete()) {
                    outcome = "later"; // Spark may still be closing it; what is there is recorded meanwhile
                }
            }
        }
        if (logUri != null || metrics != null || historyUrl != null) {
            apps.transition(
                    app.id(),
                    app.state(),
                    AppTransition.to(app.state(), null)
                            .withLinks(new AppLinks(historyUrl, null, logUri))
                            .withMetrics(metrics));
        }
        return outcome;
    }
}
