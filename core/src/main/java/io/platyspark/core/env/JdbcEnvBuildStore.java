package io.platyspark.core.env;

import io.platyspark.core.SqlStates;
import io.platyspark.core.backend.TargetPlatform;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Environment builds on PostgreSQL; state changes are compare-and-set like apps'. */
public class JdbcEnvBuildStore {

    private static final String UNFINISHED_BUILDS = SqlStates.list(EnvBuild.State.unfinishedStates());

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;

    /** A store whose {@link #withArchiveLock} runs in {@code tx}'s transactions, on the same database as {@code jdbc}. */
    public JdbcEnvBuildStore(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json, Clock clock) {
        this.jdbc = jdbc;
        this.tx = java.util.Objects.requireNonNull(tx, "tx == null");
        this.json = json;
        this.clock = clock;
    }

    /**
     * Runs {@code work} in one transaction holding the lock on the archive of {@code cacheKey}: shared by a request,
     * which looks for the archive and records the build that uses it (or will make it), exclusive for the cleaner,
     * which checks that no live build uses it and deletes it. So the cleaner never deletes an archive between a
     * request's finding it and that request's READY row, and no request records a row between the cleaner's check
     * and its delete. The lock is PostgreSQL's (an advisory lock), so it holds across processes; the transaction,
     * and a connection, are held for the artifact store's one call inside it.
     */
    public <T> T withArchiveLock(String cacheKey, boolean exclusive, Supplier<T> work) {
        return tx.execute(status -> {
            jdbc.sql("select 1 from " + (exclusive ? "pg_advisory_xact_lock" : "pg_advisory_xact_lock_shared")
                            + "(hashtextextended(:key, 0))")
                    .param("key", "platy.env-archives/" + cacheKey)
                    .query(Integer.class)
                    .single();
            return work.get();
        });
    }

    /** The live build for the spec's key, creating it in {@code state} when there is none. */
    public Created getOrCreate(EnvSpec spec, String team, EnvBuild.State state, String uri) {
        Instant now = now();
        Optional<EnvBuild> inserted = jdbc.sql("""
                insert into env_builds (id, cache_key, team, spec, state, uri, created_at, updated_at)
                values (:id, :key, :team, cast(:spec as jsonb), :state, :uri, :now, :now)
                on conflict (cache_key) where state <> 'FAILED' do nothing
                returning *
                """)
                .param("id", UUID.randomUUID())
                .param("key", spec.cacheKey())
                .param("team", team)
                .param(
                        "spec",
                        json.writeValueAsString(Map.of(
                                "requirements",
                                spec.requirements(),
                                "pythonVersion",
                                spec.pythonVersion(),
                                "platform",
                                spec.platform().name(),
                                "indexUrl",
                                spec.indexUrl() == null ? "" : spec.indexUrl(),
                                "pythonPrefix",
                                spec.pythonPrefix() == null ? "" : spec.pythonPrefix())))
                .param("state", state.name())
                .param("uri", uri)
                .param("now", Timestamp.from(now))
                .query(this::map)
                .optional();
        if (inserted.isPresent()) {
            return new Created(inserted.get(), true);
        }
        return new Created(findLive(spec.cacheKey()).orElseThrow(), false);
    }

    /** The build row of the cache key that may use its archive: any but a failed one (built, or building). */
    public Optional<EnvBuild> findLive(String cacheKey) {
        return jdbc.sql("select * from env_builds where cache_key = :key and state <> 'FAILED'")
                .param("key", cacheKey)
                .query(this::map)
                .optional();
    }

    public Optional<EnvBuild> find(UUID id) {
        return jdbc.sql("select * from env_builds where id = :id")
                .param("id", id)
                .query(this::map)
                .optional();
    }

    public List<EnvBuild> findByState(EnvBuild.State state) {
        return jdbc.sql("select * from env_builds where state = :state order by created_at")
                .param("state", state.name())
                .query(this::map)
                .list();
    }

    /** Compare-and-set from {@code expected}; the facts are written only with the change. */
    public Optional<EnvBuild> transition(
            UUID id,
            EnvBuild.State expected,
            EnvBuild.State next,
            String uri,
            Long sizeBytes,
            Long durationMs,
            String log,
            String error) {
        return jdbc.sql("""
                update env_builds set state = :next, uri = coalesce(:uri, uri),
                    size_bytes = coalesce(:size, size_bytes), duration_ms = coalesce(:duration, duration_ms),
                    log = coalesce(:log, log), error = coalesce(:error, error), updated_at = :now
                where id = :id and state = :expected
                returning *
                """)
                .param("id", id)
                .param("expected", expected.name())
                .param("next", next.name())
                .param("uri", uri)
                .param("size", sizeBytes)
                .param("duration", durationMs)
                .param("log", log)
                .param("error", error)
                .param("now", Timestamp.from(now()))
                .query(this::map)
                .optional();
    }

    /** Marks these unfinished builds as still being worked on (the building process's heartbeat). */
    public void touch(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.sql("update env_builds set updated_at = :now where id in (:ids) and state in " + UNFINISHED_BUILDS)
                .param("ids", List.copyOf(ids))
                .param("now", Timestamp.from(now()))
                .update();
    }

    /**
     * Fails unfinished builds (of {@code cacheKey}, or all when null) that no process has touched for
     * {@code staleAfter}: their process stopped, and a live row would otherwise block their requirements for ever.
     * Returns how many.
     */
    public int abandonStale(String cacheKey, Duration staleAfter) {
        Instant now = now();
        return jdbc.sql("""
                update env_builds set state = 'FAILED', updated_at = :now, error = :error
                where state in %s and updated_at < :before
                  and (cast(:key as text) is null or cache_key = :key)
                """.formatted(UNFINISHED_BUILDS))
                .param("now", Timestamp.from(now))
                .param("before", Timestamp.from(now.minus(staleAfter)))
                .param("key", cacheKey)
                .param(
                        "error",
                        EnvBuild.ABANDONED + " the process building it stopped (no sign of it for "
                                + staleAfter.toSeconds() + " s); a new request builds it again")
                .update();
    }

    private EnvBuild map(ResultSet rs, int row) throws SQLException {
        JsonNode spec = json.readTree(rs.getString("spec"));
        List<String> requirements = new java.util.ArrayList<>();
        spec.path("requirements").forEach(r -> requirements.add(r.asString()));
        String index = spec.path("indexUrl").asString("");
        String prefix = spec.path("pythonPrefix").asString("");
        return new EnvBuild(
                rs.getObject("id", UUID.class),
                rs.getString("cache_key"),
                rs.getString("team"),
                new EnvSpec(
                        requirements,
                        spec.path("pythonVersion").asString(),
                        TargetPlatform.valueOf(spec.path("platform").asString()),
                        index.isEmpty() ? null : index,
                        prefix.isEmpty() ? null : prefix),
                EnvBuild.State.valueOf(rs.getString("state")),
                rs.getString("uri"),
                (Long) rs.getObject("size_bytes"),
                (Long) rs.getObject("duration_ms"),
                rs.getString("log"),
                rs.getString("error"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** The outcome of {@link #getOrCreate}. */
    public record Created(EnvBuild build, boolean created) {}
}
