package io.platyspark.core.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.platyspark.core.app.AppState;
import io.platyspark.core.app.AppStateListener;
import io.platyspark.core.app.AppTransition;
import io.platyspark.core.app.JdbcSparkAppStore;
import io.platyspark.core.app.NewSparkApp;
import io.platyspark.core.app.SparkApp;
import io.platyspark.core.testing.MutableClock;
import io.platyspark.core.testing.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The active-app count admission reads (V18's triggers) equals a count of the apps, whatever ends, deletes or adds
 * them: the store one at a time, bulk updates and deletes as the watchdog and the cleaner make, bulk inserts.
 */
class TeamActiveAppsCountTest {

    private static final List<String> TEAMS = List.of("data", "web", "ml");

    private final DataSource dataSource = TestDatabase.newMigratedDataSource();
    private final JdbcClient jdbc = JdbcClient.create(dataSource);
    private final MutableClock clock = MutableClock.at("2026-01-01T10:00:00Z");
    private final JdbcSparkAppStore store = new JdbcSparkAppStore(
            jdbc,
            new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
            new JsonMapper(),
            clock,
            AppStateListener.NONE);

    @Test
    void theKeptCountEqualsTheAppsAfterAnyMixOfChanges() {
        Random random = new Random(42);
        List<SparkApp> apps = new ArrayList<>();
        for (int step = 0; step < 300; step++) {
            String team = TEAMS.get(random.nextInt(TEAMS.size()));
            switch (random.nextInt(6)) {
                case 0, 1 ->
                    apps.add(store.create(
                                    new NewSparkApp(
                                            "a" + step,
                                            team,
                                            "etl",
                                            "/apps/a.py",
                                            null,
                                            List.of(),
                                            Map.of(),
                                            null,
                                            "r"),
                                    "h" + step)
                            .app());
                case 2 -> {
                    if (!apps.isEmpty()) {
                        SparkApp app = apps.get(random.nextInt(apps.size()));
                        SparkApp now = store.find(app.id()).orElse(null);
                        if (now != null && !now.state().isTerminal()) {
                            AppState next = random.nextBoolean() ? AppState.SUBMITTED : AppState.FAILED;
                            store.transition(now.id(), now.state(), AppTransition.to(next, "step " + step));
                        }
                    }
                }
                case 3 -> jdbc.sql("""
                                update apps set state = 'LOST' where team = :team
                                  and state not in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST') and random() < 0.5
                                """).param("team", team).update();
                case 4 ->
                    jdbc.sql("delete from apps where id in (select id from apps where random() < 0.2)")
                            .update();
                default ->
                    jdbc.sql("""
                                insert into apps (id, name, team, cluster_name, source, state, next_attempt_at,
                                                  created_at, updated_at)
                                select gen_random_uuid(), 'bulk', :team, 'etl', '/a.py',
                                       case when g % 3 = 0 then 'SUCCEEDED' else 'RUNNING' end, now(), now(), now()
                                from generate_series(1, :n) g
                                """)
                            .param("team", team)
                            .param("n", 1 + random.nextInt(20))
                            .update();
            }
            assertThat(kept()).as("after step %d", step).isEqualTo(counted());
        }
        assertThat(counted()).isNotEmpty();
    }

    /**
     * The per-second submission counts the per-minute quota sums (V19's trigger) count every app inserted, by
     * the store or in bulk, in the second it was created; deleting apps does not take submissions back.
     */
    @Test
    void theSubmitSecondsCountEveryInsertedApp() {
        Random random = new Random(7);
        Map<String, Long> inserted = new TreeMap<>();
        for (int step = 0; step < 200; step++) {
            String team = TEAMS.get(random.nextInt(TEAMS.size()));
            clock.advance(java.time.Duration.ofMillis(random.nextInt(700)));
            java.time.Instant now = clock.instant();
            String second = team + "@" + now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            switch (random.nextInt(3)) {
                case 0 -> {
                    store.create(
                            new NewSparkApp(
                                    "a" + step, team, "etl", "/apps/a.py", null, List.of(), Map.of(), null, "r"),
                            "h" + step);
                    inserted.merge(second, 1L, Long::sum);
                }
                case 1 -> {
                    int n = 1 + random.nextInt(20);
                    jdbc.sql("""
                                    insert into apps (id, name, team, cluster_name, source, state, next_attempt_at,
                                                      created_at, updated_at)
                                    select gen_random_uuid(), 'bulk', :team, 'etl', '/a.py', 'RUNNING', :at, :at, :at
                                    from generate_series(1, :n) g
                                    """)
                            .param("team", team)
                            .param("n", n)
                            .param("at", java.sql.Timestamp.from(now))
                            .update();
                    inserted.merge(second, (long) n, Long::sum);
                }
                default ->
                    jdbc.sql("delete from apps where id in (select id from apps where random() < 0.3)")
                            .update();
            }
        }
        Map<String, Long> kept = new TreeMap<>();
        jdbc.sql("select team, second, n from team_submit_seconds").query(rs -> {
            kept.put(rs.getString("team") + "@" + rs.getTimestamp("second").toInstant(), rs.getLong("n"));
        });
        assertThat(kept).isEqualTo(inserted);
    }

    private Map<String, Long> kept() {
        Map<String, Long> kept = new TreeMap<>();
        jdbc.sql("select team, active from team_active_apps where active <> 0").query(rs -> {
            kept.put(rs.getString("team"), rs.getLong("active"));
        });
        return kept;
    }

    private Map<String, Long> counted() {
        Map<String, Long> counted = new TreeMap<>();
        jdbc.sql("""
                        select team, count(*) as n from apps
                        where state not in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST') group by team
                        """).query(rs -> {
            counted.put(rs.getString("team"), rs.getLong("n"));
        });
        return counted;
    }
}
