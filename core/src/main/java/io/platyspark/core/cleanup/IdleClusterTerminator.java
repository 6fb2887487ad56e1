package io.platyspark.core.cleanup;

import io.micrometer.core.instrument.MeterRegistry;
import io.platyspark.core.SqlStates;
import io.platyspark.core.app.AppState;
import io.platyspark.core.cluster.ClusterState;
import io.platyspark.core.cluster.ClusterStore;
import io.platyspark.core.security.Caller;
import io.platyspark.core.service.ClusterService;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Terminates dedicated and dev clusters the platform created once they have been idle past their timeout: no
 * active app, and nothing submitted or finished on them for that long. A cluster whose config says
 * {@code terminateAfterApp} ends at the first run with no active app after one of its apps finished. Shared,
 * registered and local clusters are never touched.
 */
public class IdleClusterTerminator {

    private static final String READY_CLUSTERS = SqlStates.list(ClusterState.readyStates());

    private static final Logger log = LoggerFactory.getLogger(IdleClusterTerminator.class);

    private final JdbcClient jdbc;
    private final ClusterStore store;
    private final ClusterService clusters;
    private final CleanupProperties properties;
    private final Clock clock;
    private final MeterRegistry meters;

    public IdleClusterTerminator(
            JdbcClient jdbc,
            ClusterStore store,
            ClusterService clusters,
            CleanupProperties properties,
            Clock clock,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.store = store;
        this.clusters = clusters;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        meters.counter("platy.cleanup.clusters.terminated"); // exported at 0 before the first termination
    }

    /** Terminates (or with dry-run, lists) the idle clusters; returns them. */
    public List<Idle> runOnce() {
        Instant now = clock.instant();
        List<Idle> idle = jdbc.sql("""
                select c.name, c.last_activity, c.after_app from (
                    select cl.name, cl.idle_timeout_seconds,
                           coalesce((cl.config ->> 'terminateAfterApp')::boolean, false)
                               and exists (select 1 from apps a where a.cluster_id = cl.id
                                           and a.finished_at is not null) as after_app,
                           greatest(cl.created_at,
                                    coalesce((select max(greatest(a.created_at, coalesce(a.finished_at, a.created_at)))
                                              from apps a where a.cluster_id = cl.id), cl.created_at)) as last_activity
                    from clusters cl
                    where cl.kind in ('DEDICATED', 'DEV') and cl.config is not null
                      and cl.state in %s
                      and not exists (select 1 from apps a where a.cluster_id = cl.id and a.state in (:active))
                ) c
                where c.after_app or c.last_activity < cast(:now as timestamptz)
                      - make_interval(secs => coalesce(c.idle_timeout_seconds, :defaultSeconds))
                order by c.name
                """.formatted(READY_CLUSTERS))
                .param(
                        "active",
                        AppState.activeStates().stream().map(Enum::name).toList())
                .param("now", Timestamp.from(now))
                .param("defaultSeconds", properties.idleClusterTimeout().toSeconds())
                .query((rs, n) -> new Idle(
                        rs.getString("name"),
                        rs.getTimestamp("last_activity").toInstant(),
                        Duration.between(rs.getTimestamp("last_activity").toInstant(), now),
                        rs.getBoolean("after_app")))
                .list();
        List<Idle> done = new ArrayList<>();
        for (Idle cluster : idle) {
            if (properties.dryRun()) {
                log.info("would terminate cluster '{}': idle for {}", cluster.name(), cluster.idleFor());
                done.add(cluster);
                continue;
            }
            String reason = cluster.afterApp()
                    ? "its app ended (terminateAfterApp)"
                    : "idle for " + cluster.idleFor().toMinutes() + " minutes (no apps since " + cluster.lastActivity()
                            + ")";
            // Still idle at this instant? One statement decides, so an app accepted since the list was read (or
            // while earlier clusters were being terminated) keeps its cluster.
            // Still idle at this instant? The store decides in one statement, so an app accepted since the list was
            // read (or while earlier clusters were being terminated) keeps its cluster.
            boolean claimed = store.beginIdleTermination(cluster.name(), reason);
            if (!claimed) {
                log.info("cluster '{}' is no longer idle; left running", cluster.name());
                continue;
            }
            try {
                clusters.terminate(Caller.SYSTEM, cluster.name(), reason);
                meters.counter("platy.cleanup.clusters.terminated").increment();
                done.add(cluster);
            } catch (RuntimeException e) {
                log.warn("could not terminate idle cluster '{}': {}", cluster.name(), e.getMessage());
            }
        }
        return done;
    }

    /** An idle cluster and since when. */
    public record Idle(String name, Instant lastActivity, Duration idleFor, boolean afterApp) {}
}
