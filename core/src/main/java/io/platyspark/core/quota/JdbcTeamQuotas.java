package io.platyspark.core.quota;

import io.platyspark.core.InvalidFieldException;
import io.platyspark.core.SqlStates;
import io.platyspark.core.app.AppState;
import io.platyspark.core.app.TeamLimits;
import io.platyspark.core.cluster.ClusterState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Team quotas in PostgreSQL ({@code team_quotas}), over the configured defaults, and the admission check the app
 * store runs in the transaction that stores an app.
 */
public class JdbcTeamQuotas implements TeamLimits {

    private static final String TERMINAL_APPS = SqlStates.list(AppState.terminalStates());
    private static final String TERMINATED_CLUSTERS = SqlStates.list(ClusterState.terminatedStates());

    private static final TypeReference<Map<String, Integer>> INT_MAP = new TypeReference<>() {};
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final JdbcClient jdbc;
    private final QuotaProperties defaults;
    private final JsonMapper json;
    private final Clock clock;

    public JdbcTeamQuotas(JdbcClient jdbc, QuotaProperties defaults, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.defaults = defaults;
        this.json = json;
        this.clock = clock;
    }

    /**
     * A lock per team held to the end of the caller's transaction: of two replicas admitting the team's last
     * slot, the second counts after the first has committed (each statement reads what is committed when it
     * starts), so exactly the quota gets in. The caller admits a group of the team's submits at once, so the
     * lock and the counts are paid once per group, not once per app.
     */
    @Override
    public Admission admit(String team, int wanted) {
        jdbc.sql("select 1 from pg_advisory_xact_lock(hashtextextended(:key, 0))")
                .param("key", "platy.admission/" + team)
                .query(Integer.class)
                .single();
        TeamQuota quota = quota(team);
        Instant now = clock.instant();
        // Both counts in one statement (one snapshot, one round trip), each O(1): active apps from the count
        // triggers keep (V18), the window from the team's submissions per second (V19), whose expired seconds the
        // same statement removes. A second counts while it began in the last 60 s.
        Timestamp since = Timestamp.from(now.minus(WINDOW));
        Counts counts = jdbc.sql("""
                with expired as (
                    delete from team_submit_seconds where team = :team and second <= :since)
                select coalesce((select active from team_active_apps where team = :team), 0) as active,
                       coalesce((select sum(n) from team_submit_seconds
                                 where team = :team and second > :since), 0) as recent,
                       (select min(second) from team_submit_seconds
                        where team = :team and second > :since) as oldest
                """)
                .param("team", team)
                .param("since", since)
                .query((rs, n) -> new Counts(
                        rs.getLong("active"),
                        rs.getLong("recent"),
                        rs.getTimestamp("oldest") == null
                                ? now
                                : rs.getTimestamp("oldest").toInstant()))
                .single();
        long activeRoom = quota.maxActiveApps() - counts.active();
        long rateRoom = quota.submitsPerMinute() - counts.recent();
        int admitted = (int) Math.max(0, Math.min(wanted, Math.min(activeRoom, rateRoom)));
        if (admitted == wanted) {
            return Admission.all(wanted);
        }
        if (activeRoom <= rateRoom) {
            return new Admission(
                    admitted,
                    new QuotaExceededException(
                            "maxActiveApps",
                            "team '" + team + "' has " + (counts.active() + admitted) + " active apps, "
                                    + "its quota maxActiveApps is " + quota.maxActiveApps()
                                    + "; submit again when some have ended, or ask an admin to raise the quota",
                            defaults.activeRetryAfter()));
        }
        // The window has room again when its oldest second leaves it.
        Instant oldest = counts.oldest();
        Duration wait = Duration.between(now, oldest.plus(WINDOW));
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new Admission(
                admitted,
                new QuotaExceededException(
                        "submitsPerMinute",
                        "team '" + team + "' submitted " + (counts.recent() + admitted)
                                + " apps in the last minute, its quota submitsPerMinute is "
                                + quota.submitsPerMinute() + "; submit again in " + seconds + " s",
                        Duration.ofSeconds(seconds)));
    }

    private record Counts(long active, long recent, Instant oldest) {}

    @Override
    public Duration admissionWait() {
        return defaults.admissionWait();
    }

    /**
     * A submit that waited {@code admissionWait} on this server while the team's earlier submits were stored.
     * Waiting happens without a database connection, so one team's burst cannot take the connections other
     * teams' calls need.
     */
    @Override
    public RuntimeException busy(String team) {
        return new QuotaExceededException(
                "concurrentSubmits",
                "team '" + team + "' has more submits in flight than this server admits in "
                        + defaults.admissionWait().toMillis()
                        + " ms (a team's submits are stored a group at a time); send fewer at once and retry after "
                        + "Retry-After",
                Duration.ofSeconds(1));
    }

    @Override
    public Map<String, Dispatch> dispatch(Collection<String> teams) {
        Map<String, Dispatch> result = new HashMap<>();
        Map<String, Stored> stored = stored(teams);
        for (String team : teams) {
            TeamQuota q = effective(team, stored.get(team));
            result.put(team, new Dispatch(q.share(), q.maxRunning()));
        }
        return result;
    }

    /** The configured defaults. */
    public QuotaProperties defaults() {
        return defaults;
    }

    /** The team's quotas as they apply. */
    public TeamQuota quota(String team) {
        return effective(team, stored(List.of(team)).get(team));
    }

    /** Every team given its own quotas, by name. */
    public List<TeamQuota> customized() {
        return jdbc.sql("select * from team_quotas order by team").query(this::mapStored).list().stream()
                .map(s -> effective(s.team(), s))
                .toList();
    }

    /** Sets a team's own quotas (null fields fall back to the defaults) and returns them as they now apply. */
    public TeamQuota put(String team, QuotaUpdate update, String by) {
        check("share", update.share(), 1, 1000);
        check("maxActiveApps", update.maxActiveApps(), 0, Integer.MAX_VALUE);
        check("submitsPerMinute", update.submitsPerMinute(), 0, Integer.MAX_VALUE);
        check("maxClusters", update.maxClusters(), 0, Integer.MAX_VALUE);
        check("maxCapacityUnits", update.maxCapacityUnits(), 0, Integer.MAX_VALUE);
        check("maxQueuePercent", update.maxQueuePercent(), 1, 100);
        if (update.maxRunning() != null) {
            update.maxRunning().forEach((kind, max) -> {
                if (!KINDS.contains(kind)) {
                    throw new InvalidFieldException("maxRunning." + kind, "is not a cluster kind; use one of " + KINDS);
                }
                check("maxRunning." + kind, max, 0, Integer.MAX_VALUE);
            });
        }
        jdbc.sql("""
                insert into team_quotas (team, share, max_active_apps, submits_per_minute, max_running,
                                         max_clusters, max_capacity_units, max_queue_percent, updated_at, updated_by)
                values (:team, :share, :maxActive, :perMinute, cast(:maxRunning as jsonb), :maxClusters,
                        :maxCapacity, :maxQueue, :now, :by)
                on conflict (team) do update set share = excluded.share,
                    max_active_apps = excluded.max_active_apps, submits_per_minute = excluded.submits_per_minute,
                    max_running = excluded.max_running, max_clusters = excluded.max_clusters,
                    max_capacity_units = excluded.max_capacity_units,
                    max_queue_percent = excluded.max_queue_percent, updated_at = excluded.updated_at,
                    updated_by = excluded.updated_by
                """)
                .param("team", team)
                .param("share", update.share())
                .param("maxActive", update.maxActiveApps())
                .param("perMinute", update.submitsPerMinute())
                .param(
                        "maxRunning",
                        update.maxRunning() == null
                                ? null
                                : json.writeValueAsString(new TreeMap<>(update.maxRunning())))
                .param("maxClusters", update.maxClusters())
                .param("maxCapacity", update.maxCapacityUnits())
                .param("maxQueue", update.maxQueuePercent())
                .param("now", Timestamp.from(clock.instant()))
                .param("by", by)
                .update();
        return quota(team);
    }

    /** What the team uses now against its quota. */
    public TeamUsage usage(String team) {
        Map<String, Long> running = new TreeMap<>();
        long[] active = {0};
        long[] queued = {0};
        jdbc.sql("""
                select a.state, coalesce(k.kind, 'UNKNOWN') as kind, count(*) as n
                from apps a left join clusters k on k.id = a.cluster_id
                where a.team = :team and a.state not in %s
                group by 1, 2
                """.formatted(TERMINAL_APPS)).param("team", team).query(rs -> {
            long n = rs.getLong("n");
            String state = rs.getString("state");
            active[0] += n;
            if (state.equals("QUEUED")) {
                queued[0] += n;
            } else if (state.equals("SUBMITTED") || state.equals("RUNNING")) {
                running.merge(rs.getString("kind"), n, Long::sum);
            }
        });
        long recent = jdbc.sql(
                        "select coalesce(sum(n), 0) from team_submit_seconds where team = :team and second > :since")
                .param("team", team)
                .param("since", Timestamp.from(clock.instant().minus(WINDOW)))
                .query(Long.class)
                .single();
        ClusterUse clusters = clusterUse(team);
        return new TeamUsage(
                team, active[0], running, queued[0], recent, clusters.count(), clusters.capacityUnits(), quota(team));
    }

    /**
     * Refuses (403, naming the quota, the usage and the limit) a new dedicated or dev cluster of {@code capacityUnits}
     * the platform would create, for a team that has {@code maxClusters} active ones or whose active ones' capacity
     * and this one's would pass {@code maxCapacityUnits}. The cluster store calls it under the team's lock, in the
     * transaction that records the cluster ({@link io.platyspark.core.cluster.ClusterQuota}), so replicas racing
     * for the team's last slot let exactly one through.
     */
    public void checkClusters(String team, io.platyspark.core.cluster.ClusterKind kind, int capacityUnits) {
        TeamQuota quota = quota(team);
        ClusterUse use = clusterUse(team);
        if (use.count() >= quota.maxClusters()) {
            throw new ClusterQuotaExceededException(
                    "maxClusters",
                    use.count(),
                    quota.maxClusters(),
                    "team '" + team + "' has "
                            + use.count() + " active dedicated or dev clusters, its quota maxClusters is "
                            + quota.maxClusters()
                            + "; terminate one it no longer needs, run on the shared cluster, or ask an admin to raise "
                            + "the quota");
        }
        if (use.capacityUnits() + capacityUnits > quota.maxCapacityUnits()) {
            throw new ClusterQuotaExceededException(
                    "maxCapacityUnits",
                    use.capacityUnits(),
                    quota.maxCapacityUnits(),
                    "team '" + team + "' has active dedicated or dev clusters of " + use.capacityUnits()
                            + " capacity units, and this " + kind + " cluster asks for " + capacityUnits
                            + "; its quota maxCapacityUnits is " + quota.maxCapacityUnits()
                            + ": ask for less capacity (instance fleets' target capacity or managed scaling's "
                            + "maximum), terminate a cluster it no longer needs, or ask an admin to raise the quota");
        }
    }

    /**
     * Active DEDICATED and DEV clusters the platform created for the team (a registered cluster, an existing Livy
     * given by URL, is the team's own and costs the platform nothing: it does not count).
     */
    public long activeClusters(String team) {
        return clusterUse(team).count();
    }

    /** How many such clusters, and their capacity units added up (clusters recorded before V17 count 0). */
    private record ClusterUse(long count, long capacityUnits) {}

    private ClusterUse clusterUse(String team) {
        return jdbc.sql("""
                select count(*) as n, coalesce(sum(capacity_units), 0) as units from clusters
                where team = :team and kind in ('DEDICATED', 'DEV') and config is not null
                  and state not in %s
                """.formatted(TERMINATED_CLUSTERS))
                .param("team", team)
                .query((rs, n) -> new ClusterUse(rs.getLong("n"), rs.getLong("units")))
                .single();
    }

    private Map<String, Stored> stored(Collection<String> teams) {
        if (teams.isEmpty()) {
            return Map.of();
        }
        Map<String, Stored> found = new HashMap<>();
        jdbc.sql("select * from team_quotas where team in (:teams)")
                .param("teams", List.copyOf(teams))
                .query(this::mapStored)
                .list()
                .forEach(s -> found.put(s.team(), s));
        return found;
    }

    private TeamQuota effective(String team, Stored s) {
        if (s == null) {
            return new TeamQuota(
                    team,
                    defaults.share(),
                    defaults.maxActiveApps(),
                    defaults.submitsPerMinute(),
                    defaults.maxRunning(),
                    defaults.maxClusters(),
                    defaults.maxCapacityUnits(),
                    defaults.maxQueuePercent(),
                    false);
        }
        return new TeamQuota(
                team,
                or(s.share(), defaults.share()),
                or(s.maxActiveApps(), defaults.maxActiveApps()),
                or(s.submitsPerMinute(), defaults.submitsPerMinute()),
                s.maxRunning() == null ? defaults.maxRunning() : s.maxRunning(),
                or(s.maxClusters(), defaults.maxClusters()),
                or(s.maxCapacityUnits(), defaults.maxCapacityUnits()),
                or(s.maxQueuePercent(), defaults.maxQueuePercent()),
                true);
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private record Stored(
            String team,
            Integer share,
            Integer maxActiveApps,
            Integer submitsPerMinute,
            Map<String, Integer> maxRunning,
            Integer maxClusters,
            Integer maxCapacityUnits,
            Integer maxQueuePercent) {}

    private Stored mapStored(ResultSet rs, int n) throws SQLException {
        String running = rs.getString("max_running");
        return new Stored(
                rs.getString("team"),
                integer(rs, "share"),
                integer(rs, "max_active_apps"),
                integer(rs, "submits_per_minute"),
                running == null ? null : Map.copyOf(json.readValue(running, INT_MAP)),
                integer(rs, "max_clusters"),
                integer(rs, "max_capacity_units"),
                integer(rs, "max_queue_percent"));
    }

    private static Integer integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static final List<String> KINDS = List.of("SHARED", "DEDICATED", "DEV", "LOCAL");

    private static void check(String field, Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw new InvalidFieldException(
                    field,
                    "must be between " + min + " and " + max + ", or null for the " + "configured default; got "
                            + value);
        }
        if (value == null && field.startsWith("maxRunning.")) {
            throw new InvalidFieldException(field, "must be a number; leave the kind out for no limit");
        }
    }
}
