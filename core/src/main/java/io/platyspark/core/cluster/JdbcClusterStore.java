package io.platyspark.core.cluster;

import io.platyspark.core.SqlStates;
import io.platyspark.core.store.RecentReads;
import io.platyspark.core.store.StoreChanges;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** {@link ClusterStore} on PostgreSQL with plain SQL. */
public class JdbcClusterStore implements ClusterStore {

    private static final String TERMINATED_CLUSTERS = SqlStates.list(ClusterState.terminatedStates());
    private static final String READY_CLUSTERS = SqlStates.list(ClusterState.readyStates());

    private final JdbcClient jdbc;
    private final TransactionTemplate tx; // null: no quota can be checked
    private final Clock clock;
    private final RowMapper<Cluster> rowMapper = JdbcClusterStore::mapCluster;
    private final StoreChanges changes; // null: findActiveRecent reads the store every time
    private final RecentReads<String, Cluster> recentActive;

    private static final String TABLE = "clusters";

    /** A store that checks no cluster quota (every {@link ClusterQuota} but {@link ClusterQuota#NONE} is refused). */
    public JdbcClusterStore(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.tx = null;
        this.clock = clock;
        this.changes = null;
        this.recentActive = null;
    }

    /** A store whose {@link #getOrCreate(NewCluster, ClusterQuota)} runs in {@code tx}'s transactions. */
    public JdbcClusterStore(JdbcClient jdbc, TransactionTemplate tx, Clock clock) {
        this(jdbc, tx, clock, null);
    }

    /**
     * As {@link #JdbcClusterStore(JdbcClient, TransactionTemplate, Clock)}, and {@link #findActiveRecent(String)}
     * keeps the rows it read while {@code changes} hears of no change to {@code clusters}.
     */
    public JdbcClusterStore(JdbcClient jdbc, TransactionTemplate tx, Clock clock, StoreChanges changes) {
        this.jdbc = jdbc;
        this.tx = java.util.Objects.requireNonNull(tx, "tx == null");
        this.clock = clock;
        this.changes = changes;
        this.recentActive = changes == null ? null : new RecentReads<>(changes, TABLE);
    }

    @Override
    public Optional<Cluster> findActiveRecent(String name) {
        return recentActive == null ? findActive(name) : recentActive.get(name, this::findActive);
    }

    private <T> T changed(T result) {
        if (changes != null) {
            changes.changedAfterCommit(TABLE);
        }
        return result;
    }

    @Override
    public GetOrCreate getOrCreate(NewCluster cluster, ClusterQuota quota) {
        if (cluster.team() == null || quota == ClusterQuota.NONE) {
            return getOrCreate(cluster);
        }
        if (tx == null) {
            throw new IllegalStateException("this store was made without transactions and cannot check a quota");
        }
        return tx.execute(status -> {
            jdbc.sql("select 1 from pg_advisory_xact_lock(hashtextextended(:key, 0))")
                    .param("key", "platy.clusters/" + cluster.team())
                    .query(Integer.class)
                    .single();
            Optional<Cluster> existing = findActive(cluster.name());
            if (existing.isPresent()) {
                return new GetOrCreate(existing.get(), false);
            }
            quota.check(cluster.team(), cluster.kind(), cluster.capacityUnits() == null ? 0 : cluster.capacityUnits());
            return getOrCreate(cluster);
        });
    }

    @Override
    public GetOrCreate getOrCreate(NewCluster cluster) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        // The partial unique index on active names makes this insert the arbiter: of concurrent callers one
        // inserts and the others find its row.
        Optional<Cluster> inserted = jdbc.sql("""
                insert into clusters (id, name, kind, team, config, livy_url, state, created_at, updated_at,
                                      idle_timeout_seconds, external_id, master_dns, capacity_units)
                values (:id, :name, :kind, :team, cast(:config as jsonb), :livyUrl, :state, :now, :now,
                        :idleTimeout, :externalId, :masterDns, :capacityUnits)
                on conflict (name) where state not in %s do nothing
                returning *
                """.formatted(TERMINATED_CLUSTERS))
                .param("id", UUID.randomUUID())
                .param("externalId", cluster.externalId())
                .param("masterDns", cluster.masterDns())
                .param("capacityUnits", cluster.capacityUnits())
                .param("name", cluster.name())
                .param("kind", cluster.kind().name())
                .param("team", cluster.team())
                .param("config", cluster.config())
                .param("livyUrl", cluster.livyUrl())
                .param(
                        "idleTimeout",
                        cluster.idleTimeout() == null
                                ? null
                                : (int) cluster.idleTimeout().toSeconds())
                .param("state", cluster.initialState().name())
                .param("now", Timestamp.from(now))
                .query(rowMapper)
                .optional();
        if (inserted.isPresent()) {
            return changed(new GetOrCreate(inserted.get(), true));
        }
        Cluster existing = findActive(cluster.name())
                .orElseThrow(() -> new IllegalStateException("cluster '" + cluster.name()
                        + "' was neither created nor found; it terminated meanwhile, retry"));
        return new GetOrCreate(existing, false);
    }

    @Override
    public Optional<Cluster> findActive(String name) {
        return jdbc.sql("""
                select * from clusters
                where name = :name and state not in %s
                """.formatted(TERMINATED_CLUSTERS))
                .param("name", name)
                .query(rowMapper)
                .optional();
    }

    @Override
    public Optional<Cluster> findLatest(String name) {
        return jdbc.sql("""
                select * from clusters
                where name = :name
                order by state in %s, coalesce(terminated_at, created_at) desc
                limit 1
                """.formatted(TERMINATED_CLUSTERS))
                .param("name", name)
                .query(rowMapper)
                .optional();
    }

    @Override
    public List<Cluster> findInStates(java.util.Collection<ClusterState> states) {
        return jdbc.sql("""
                select * from clusters
                where state in (:states)
                order by name, created_at desc
                """)
                .param("states", states.stream().map(ClusterState::name).toList())
                .query(rowMapper)
                .list();
    }

    @Override
    public Optional<Cluster> find(UUID id) {
        return jdbc.sql("select * from clusters where id = :id")
                .param("id", id)
                .query(rowMapper)
                .optional();
    }

    @Override
    public List<Cluster> findActive() {
        return jdbc.sql("""
                select * from clusters
                where state not in %s
                order by name
                """.formatted(TERMINATED_CLUSTERS)).query(rowMapper).list();
    }

    @Override
    public Optional<Cluster> transition(
            UUID id,
            ClusterState expected,
            ClusterState next,
            String reason,
            String externalId,
            String masterDns,
            String livyUrl) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return jdbc.sql("""
                update clusters set
                    state = :next,
                    state_reason = case when state = :next or (state = 'TERMINATING' and :terminated)
                                        then coalesce(:reason, state_reason) else :reason end,
                    external_id = coalesce(:externalId, external_id),
                    master_dns = coalesce(:masterDns, master_dns),
                    livy_url = coalesce(:livyUrl, livy_url),
                    updated_at = :now,
                    terminated_at = case when :terminated then coalesce(terminated_at, :now) else terminated_at end
                where id = :id and state = :expected
                returning *
                """)
                .param("id", id)
                .param("expected", expected.name())
                .param("next", next.name())
                .param("reason", reason)
                .param("externalId", externalId)
                .param("masterDns", masterDns)
                .param("livyUrl", livyUrl)
                .param("terminated", next.isTerminated())
                .param("now", Timestamp.from(now))
                .query(rowMapper)
                .optional()
                .map(this::changed);
    }

    @Override
    public List<Cluster> claimForProvisioning(String owner, Duration lease, int limit) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return jdbc.sql("""
                update clusters set lease_owner = :owner, lease_until = :until
                where id in (
                    select id from clusters
                    where state = 'STARTING' and external_id is null and config is not null
                      and (lease_until is null or lease_until <= :now)
                    order by created_at
                    limit :limit
                    for update skip locked)
                returning *
                """)
                .param("owner", owner)
                .param("until", Timestamp.from(now.plus(lease)))
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .query(rowMapper)
                .list();
    }

    @Override
    public Optional<Cluster> recordProvisioned(
            UUID id, String owner, String externalId, ClusterState state, String reason) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return jdbc.sql("""
                update clusters set external_id = :externalId, state = :state,
                    state_reason = coalesce(:reason, state_reason), lease_owner = null, lease_until = null,
                    updated_at = :now,
                    terminated_at = case when :terminated then coalesce(terminated_at, :now) else terminated_at end
                where id = :id and lease_owner = :owner and state = 'STARTING'
                returning *
                """)
                .param("id", id)
                .param("owner", owner)
                .param("externalId", externalId)
                .param("state", state.name())
                .param("reason", reason)
                .param("terminated", state.isTerminated())
                .param("now", Timestamp.from(now))
                .query(rowMapper)
                .optional()
                .map(this::changed);
    }

    @Override
    public void releaseProvisioning(
            UUID id, String owner, String reason, Duration initialBackoff, Duration maxBackoff) {
        // The lease stays in place as the backoff: claims skip the row until lease_until has passed.
        jdbc.sql("""
                update clusters set lease_owner = null,
                    lease_until = cast(:now as timestamptz) + make_interval(secs => least(
                        cast(:initial as double precision) * power(2, least(provision_attempts, 30)),
                        cast(:max as double precision))),
                    provision_attempts = provision_attempts + 1,
                    state_reason = coalesce(:reason, state_reason), updated_at = :now
                where id = :id and lease_owner = :owner
                """)
                .param("id", id)
                .param("owner", owner)
                .param("reason", reason)
                .param("initial", initialBackoff.toMillis() / 1000.0)
                .param("max", maxBackoff.toMillis() / 1000.0)
                .param("now", Timestamp.from(clock.instant().truncatedTo(ChronoUnit.MICROS)))
                .update();
        changed(null);
    }

    @Override
    public List<Cluster> findTerminatedSince(Instant since) {
        return jdbc.sql("""
                select * from clusters
                where state in %s and terminated_at >= :since
                order by terminated_at desc
                """.formatted(TERMINATED_CLUSTERS))
                .param("since", Timestamp.from(since))
                .query(rowMapper)
                .list();
    }

    private static Cluster mapCluster(ResultSet rs, int rowNum) throws SQLException {
        return new Cluster(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                ClusterKind.valueOf(rs.getString("kind")),
                rs.getString("team"),
                rs.getString("config"),
                rs.getString("external_id"),
                rs.getString("master_dns"),
                rs.getString("livy_url"),
                ClusterState.valueOf(rs.getString("state")),
                rs.getString("state_reason"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                instant(rs, "terminated_at"),
                rs.getObject("idle_timeout_seconds") == null
                        ? null
                        : Duration.ofSeconds(rs.getInt("idle_timeout_seconds")));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    @Override
    public boolean beginIdleTermination(String name, String reason) {
        // An app is active until it has finished: the app store sets finished_at with every terminal state, and a
        // terminal state is final.
        return changed(jdbc.sql("""
                update clusters set state = :next, state_reason = :reason, updated_at = :now
                where name = :name and state in %s
                  and not exists (select 1 from apps a where a.cluster_id = clusters.id and a.finished_at is null)
                """.formatted(READY_CLUSTERS))
                        .param("next", ClusterState.TERMINATING.name())
                        .param("reason", reason)
                        .param("now", Timestamp.from(clock.instant()))
                        .param("name", name)
                        .update()
                == 1);
    }
}
