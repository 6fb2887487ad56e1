package io.platyspark.core.quota;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.platyspark.core.SqlStates;
import io.platyspark.core.app.AppState;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code platy.team.apps}: each team's active apps by state ({@code QUEUED} included), refreshed on a timer with one
 * grouped count, so a scrape never queries the database. Teams are named by admins and few, so the tag stays
 * bounded; only teams with active apps are reported. {@code platy.team.cluster.capacity}: the capacity units of each
 * team's active dedicated and dev clusters, against its {@code maxCapacityUnits}.
 */
public class TeamUsageGauges {

    private static final String TERMINAL_APPS = SqlStates.list(AppState.terminalStates());

    private static final String TERMINATED_CLUSTERS =
            SqlStates.list(io.platyspark.core.cluster.ClusterState.terminatedStates());

    private final JdbcClient jdbc;
    private final MultiGauge apps;
    private final MultiGauge capacity;

    public TeamUsageGauges(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.apps = MultiGauge.builder("platy.team.apps")
                .description("Active apps per team and state")
                .register(meters);
        this.capacity = MultiGauge.builder("platy.team.cluster.capacity")
                .description("Capacity units of each team's active dedicated and dev clusters (maxCapacityUnits)")
                .register(meters);
    }

    public void refresh() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        jdbc.sql("""
                select team, state, count(*) as n from apps
                where state not in %s
                group by 1, 2
                """.formatted(TERMINAL_APPS))
                .query((rs, n) -> rows.add(MultiGauge.Row.of(
                        Tags.of("team", rs.getString("team"), "state", rs.getString("state")), rs.getLong("n"))))
                .list();
        apps.register(rows, true);
        List<MultiGauge.Row<?>> units = new ArrayList<>();
        jdbc.sql("""
                select team, coalesce(sum(capacity_units), 0) as units from clusters
                where team is not null and kind in ('DEDICATED', 'DEV') and config is not null
                  and state not in %s
                group by 1
                """.formatted(TERMINATED_CLUSTERS))
                .query((rs, n) ->
                        units.add(MultiGauge.Row.of(Tags.of("team", rs.getString("team")), rs.getLong("units"))))
                .list();
        capacity.register(units, true);
    }
}
