package io.platyspark.core.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.platyspark.core.SqlStates;
import io.platyspark.core.app.AppState;
import io.platyspark.core.cluster.ClusterState;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Gauges of what the store holds: active apps by state and cluster kind ({@code platy.apps}) and active clusters
 * by kind and state ({@code platy.clusters}). Refreshed by the watchdog's cycle with two grouped counts, so a
 * scrape never queries the database.
 */
public class StoreGauges {

    private static final String TERMINATED_CLUSTERS = SqlStates.list(ClusterState.terminatedStates());

    private final JdbcClient jdbc;
    private final MultiGauge apps;
    private final MultiGauge clusters;

    public StoreGauges(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.apps = MultiGauge.builder("platy.apps")
                .description("Active apps by state and cluster kind")
                .register(meters);
        this.clusters = MultiGauge.builder("platy.clusters")
                .description("Active clusters by kind and state")
                .register(meters);
    }

    public void refresh() {
        List<MultiGauge.Row<?>> appRows = new ArrayList<>();
        // Every active state is reported, zero included, so a panel shows a line that drops to 0.
        java.util.Map<String, java.util.Map<String, Long>> counts = new java.util.HashMap<>();
        jdbc.sql("""
                select a.state, coalesce(c.kind, 'UNKNOWN') as kind, count(*) as n
                from apps a left join clusters c on c.id = a.cluster_id
                where a.state in (:states)
                group by 1, 2
                """)
                .param(
                        "states",
                        AppState.activeStates().stream().map(Enum::name).toList())
                .query((rs, n) -> counts.computeIfAbsent(rs.getString("state"), k -> new java.util.HashMap<>())
                        .put(rs.getString("kind"), rs.getLong("n")))
                .list();
        for (AppState state : AppState.activeStates()) {
            java.util.Map<String, Long> byKind = counts.getOrDefault(state.name(), java.util.Map.of());
            if (byKind.isEmpty()) {
                appRows.add(MultiGauge.Row.of(Tags.of("state", state.name(), "cluster_kind", "ANY"), 0));
            }
            byKind.forEach((kind, n) ->
                    appRows.add(MultiGauge.Row.of(Tags.of("state", state.name(), "cluster_kind", kind), n)));
        }
        apps.register(appRows, true);
        List<MultiGauge.Row<?>> clusterRows = new ArrayList<>();
        jdbc.sql("""
                select kind, state, count(*) as n from clusters
                where state not in %s
                group by 1, 2
                """.formatted(TERMINATED_CLUSTERS))
                .query((rs, n) -> clusterRows.add(MultiGauge.Row.of(
                        Tags.of("kind", rs.getString("kind"), "state", rs.getString("state")), rs.getLong("n"))))
                .list();
        clusters.register(clusterRows, true);
    }
}
