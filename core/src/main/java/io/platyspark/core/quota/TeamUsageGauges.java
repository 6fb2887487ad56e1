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
 * bounded; only teams with active apps are reported.
 */
public class TeamUsageGauges {

    private static final String TERMINAL_APPS = SqlStates.list(AppState.terminalStates());

    private final JdbcClient jdbc;
    private final MultiGauge apps;

    public TeamUsageGauges(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.apps = MultiGauge.builder("platy.team.apps")
                .description("Active apps per team and state")
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
    }
}
