package io.platyspark.core.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.quota.JdbcTeamQuotas;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.TestDatabase;
import io.platyspark.core.testing.TestQuotas;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The claim's plan on the real PostgreSQL with one team's large backlog: another team's apps are read from that
 * team's part of the queue index, not found by walking the backlog (V20).
 */
class ClaimPlanTest {

    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
    private static final Pattern REMOVED = Pattern.compile("Rows Removed by Filter: (\\d+)");

    private final DataSource dataSource = TestDatabase.newMigratedDataSource();
    private final JdbcClient jdbc = JdbcClient.create(dataSource);

    @Test
    void oneTeamsAppsAreReadFromItsOwnQueueBehindAnotherTeamsBacklog() {
        // Team A: 20,000 due apps, all due before team B's 20.
        jdbc.sql("""
                insert into apps (id, name, team, cluster_name, source, state, next_attempt_at, created_at, updated_at)
                select gen_random_uuid(), 'app-' || g, case when g > 20000 then 'team-b' else 'team-a' end, 'etl',
                       '/apps/a.py', 'PENDING', cast(:now as timestamptz) - make_interval(secs => 30000 - g), :now, :now
                from generate_series(1, 20020) g
                """).param("now", Timestamp.from(NOW)).update();
        jdbc.sql("analyze apps").update();

        String plan = explainClaim();

        assertThat(plan).contains("Index Scan using apps_queue_by_team on apps a");
        assertThat(removedByFilter(plan))
                .as("rows read and thrown away to find the teams' due apps:\n%s", plan)
                .isLessThan(100);
        // The assertion can fail: with V20's dropped index back, the planner walks team A's backlog for team B.
        jdbc.sql("create index apps_submission_queue on apps (next_attempt_at) "
                        + "where state in ('PENDING', 'QUEUED', 'WAITING_FOR_CLUSTER', 'BUILDING_ENV')")
                .update();
        jdbc.sql("analyze apps").update();
        String before = explainClaim();
        assertThat(before).contains("apps_submission_queue");
        assertThat(removedByFilter(before)).isGreaterThan(10_000);
    }

    @Test
    void theClaimIsPlannedOncePerConnectionNotAtEveryRound() throws Exception {
        jdbc.sql("""
                insert into apps (id, name, team, cluster_name, source, state, next_attempt_at, created_at, updated_at)
                select gen_random_uuid(), 'app-' || g, 'team-' || (g % 3), 'etl', '/apps/a.py', 'PENDING',
                       cast(:now as timestamptz) - make_interval(secs => g), :now, :now
                from generate_series(1, 300) g
                """).param("now", Timestamp.from(NOW)).update();
        try (Connection connection = dataSource.getConnection()) {
            SingleConnectionDataSource one = new SingleConnectionDataSource(connection, true);
            JdbcClient client = JdbcClient.create(one);
            JdbcSparkAppStore store = store(one);
            int claimed = 0;
            for (int round = 0; round < 12; round++) {
                claimed += store.claimForSubmission("worker", Duration.ofMinutes(1), 10)
                        .size();
            }

            // The driver prepares the statement on the server from its fifth run; PostgreSQL counts its plans.
            Map<String, Object> plans = client.sql("""
                    select generic_plans, custom_plans from pg_prepared_statements
                    where statement like '%with recursive due_teams%'
                    """).query().singleRow();
            assertThat(claimed).isEqualTo(120);
            assertThat(plans.get("custom_plans"))
                    .as("plans made for one round's values")
                    .isEqualTo(0L);
            assertThat((Long) plans.get("generic_plans")).isGreaterThanOrEqualTo(1L);
        }
    }

    @Test
    void aTransitionAndItsEventRunOnePreparedStatementWhateverTheirNullValues() throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            SingleConnectionDataSource one = new SingleConnectionDataSource(connection, true);
            JdbcSparkAppStore store = store(one);
            for (int i = 0; i < 12; i++) {
                SparkApp app = store.create(
                                new NewSparkApp(
                                        "app-" + i,
                                        "team-a",
                                        "etl",
                                        "/apps/a.py",
                                        null,
                                        List.of(),
                                        Map.of(),
                                        null,
                                        "r-" + i),
                                "hash-" + i)
                        .app();
                // Reasons and request ids present or absent in turn, as the worker's transitions have them.
                org.slf4j.MDC.put("requestId", i % 2 == 0 ? "req-" + i : null);
                store.transition(
                        app.id(), AppState.PENDING, AppTransition.to(AppState.QUEUED, i % 3 == 0 ? null : "why"));
            }
            org.slf4j.MDC.remove("requestId");

            List<Map<String, Object>> prepared =
                    JdbcClient.create(one).sql("""
                            select generic_plans, custom_plans from pg_prepared_statements
                            where statement like 'with changed as (%update apps set%insert into app_events%'
                            """).query().listOfRows();
            // The driver runs a statement unnamed four times, then prepares it once on the server: all the other
            // transitions, with their events, run that one statement (a null without a type would have it prepared
            // again).
            assertThat(prepared).hasSize(1);
            long runs = (Long) prepared.get(0).get("generic_plans")
                    + (Long) prepared.get(0).get("custom_plans");
            assertThat(runs)
                    .as("runs of the transition's server-prepared statement: %s", prepared)
                    .isEqualTo(8);
        }
    }

    private JdbcSparkAppStore store(DataSource one) {
        JdbcClient client = JdbcClient.create(one);
        return new JdbcSparkAppStore(
                client,
                new TransactionTemplate(new DataSourceTransactionManager(one)),
                new JsonMapper(),
                MutableClock.at(NOW.toString()),
                AppStateListener.NONE,
                new JdbcTeamQuotas(
                        client,
                        TestQuotas.admissionWait(Duration.ofSeconds(2)),
                        new JsonMapper(),
                        MutableClock.at(NOW.toString())));
    }

    private String explainClaim() {
        List<String> lines = jdbc.sql("explain (analyze, costs off, timing off) " + JdbcSparkAppStore.CLAIM_CANDIDATES)
                .param("now", Timestamp.from(NOW))
                .param("limit", 20)
                .query(String.class)
                .list();
        return String.join("\n", lines);
    }

    private static long removedByFilter(String plan) {
        long removed = 0;
        Matcher m = REMOVED.matcher(plan);
        while (m.find()) {
            removed += Long.parseLong(m.group(1));
        }
        return removed;
    }
}
