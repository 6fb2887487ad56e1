package io.platyspark.core.app;

import io.platyspark.core.SqlStates;
import io.platyspark.core.cluster.ClusterState;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.MDC;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** {@link SparkAppStore} on PostgreSQL with plain SQL. */
public class JdbcSparkAppStore implements SparkAppStore {

    private static final String ON_BACKEND = SqlStates.list(AppState.onBackendStates());
    private static final String TERMINAL_APPS = SqlStates.list(AppState.terminalStates());
    private static final String TERMINATED_CLUSTERS = SqlStates.list(ClusterState.terminatedStates());

    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
    private static final TypeReference<Map<String, Long>> LONG_MAP = new TypeReference<>() {};

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Clock clock;
    private final RowMapper<SparkApp> rowMapper = this::mapApp;

    private final AppStateListener listener;
    private final TeamLimits limits;
    private final AdmissionGroups<CreateResult> admissions = new AdmissionGroups<>(MAX_GROUP);

    /** At most this many of a team's submits share a transaction; more wait for the next. */
    private static final int MAX_GROUP = 64;

    public JdbcSparkAppStore(JdbcClient jdbc, TransactionTemplate tx, JsonMapper json, Clock clock) {
        this(jdbc, tx, json, clock, AppStateListener.NONE);
    }

    public JdbcSparkAppStore(
            JdbcClient jdbc, TransactionTemplate tx, JsonMapper json, Clock clock, AppStateListener listener) {
        this(jdbc, tx, json, clock, listener, TeamLimits.NONE);
    }

    /** With {@code limits}, admission checks each team's quotas and the claim shares the queue fairly. */
    public JdbcSparkAppStore(
            JdbcClient jdbc,
            TransactionTemplate tx,
            JsonMapper json,
            Clock clock,
            AppStateListener listener,
            TeamLimits limits) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
        this.listener = listener;
        this.limits = limits;
    }

    @Override
    public CreateResult create(
            NewSparkApp app, String requestHash, java.util.function.Consumer<CreateResult> inTransaction) {
        Submit submit = new Submit(app, requestHash, inTransaction);
        if (org.springframework.transaction.support.TransactionSynchronizationManager.isActualTransactionActive()) {
            // The caller's own transaction must hold its app: stored alone, on this thread.
            AdmissionGroups.Pending<CreateResult, Submit> alone = new AdmissionGroups.Pending<>(submit);
            storeGroup(app.team(), List.of(alone));
            return AdmissionGroups.outcome(alone);
        }
        return admissions.submit(
                app.team(), submit, limits.admissionWait(), () -> limits.busy(app.team()), this::storeGroup);
    }

    /** The team's submits on this server waiting to be stored (for tests). */
    int waitingToBeStored(String team) {
        return admissions.waiting(team);
    }

    private record Submit(NewSparkApp app, String hash, java.util.function.Consumer<CreateResult> inTransaction) {}

    /**
     * Stores a group of one team's submits in one transaction: the quota check admits as many as fit, in the
     * order they came, and each admitted app is written with its first event (and whatever its caller writes in
     * {@code inTransaction}). When the transaction fails, each submit is stored again on its own, so one bad
     * request fails only itself.
     */
    private void storeGroup(String team, List<AdmissionGroups.Pending<CreateResult, Submit>> group) {
        List<Object> outcomes;
        try {
            outcomes = tx.execute(status -> {
                // Inside the transaction that stores the apps: the quota check and the inserts commit together.
                TeamLimits.Admission admission = limits.admit(team, group.size());
                Instant now = now();
                List<Submit> admitted = new ArrayList<>(admission.admitted());
                for (int i = 0; i < admission.admitted(); i++) {
                    admitted.add(group.get(i).request);
                }
                List<Object> out = new ArrayList<>(insertAll(admitted, now));
                while (out.size() < group.size()) {
                    out.add(admission.refusal());
                }
                return out;
            });
        } catch (RuntimeException e) {
            if (group.size() == 1) {
                throw e;
            }
            for (AdmissionGroups.Pending<CreateResult, Submit> alone : group) {
                try {
                    storeGroup(team, List.of(alone));
                } catch (RuntimeException failed) {
                    alone.failed(failed);
                }
            }
            return;
        }
        for (int i = 0; i < group.size(); i++) {
            if (outcomes.get(i) instanceof CreateResult stored) {
                group.get(i).stored(stored);
            } else {
                group.get(i).failed((RuntimeException) outcomes.get(i));
            }
        }
    }

    /**
     * Writes {@code submits} (one team's, admitted) as PENDING apps with their first events: one statement for the
     * apps and one for the events, whatever the group's size, since the team's admissions wait on this transaction.
     * A submit whose idempotency key is taken (before, or earlier in the group) writes nothing and gets the first
     * app back, so a retried submit never makes a second one.
     */
    private List<CreateResult> insertAll(List<Submit> submits, Instant now) {
        if (submits.isEmpty()) {
            return List.of();
        }
        List<UUID> ids = new ArrayList<>(submits.size());
        List<Map<String, Object>> rows = new ArrayList<>(submits.size());
        for (Submit submit : submits) {
            NewSparkApp app = submit.app();
            UUID id = UUID.randomUUID();
            ids.add(id);
            Map<String, Object> row = new java.util.HashMap<>();
            row.put("n", rows.size());
            row.put("id", id.toString());
            row.put("name", app.name());
            row.put("team", app.team());
            row.put("cluster_name", app.clusterName());
            row.put(
                    "cluster_id",
                    app.clusterId() == null ? null : app.clusterId().toString());
            row.put("source", app.source());
            row.put("main_class", app.mainClass());
            row.put("args", app.args());
            row.put("spark_conf", app.sparkConf());
            row.put("idempotency_key", app.idempotencyKey());
            row.put("request_hash", submit.hash());
            row.put("request_id", app.requestId());
            row.put("py_files", app.pyFiles());
            row.put("requirements", app.requirements());
            row.put("python_version", app.pythonVersion());
            rows.add(row);
        }
        Map<UUID, SparkApp> inserted = new java.util.HashMap<>();
        // Empty lists are written as such even by a mapper configured to leave empty values out.
        jdbc.sql("""
                insert into apps (id, name, team, cluster_name, cluster_id, source, main_class, args, spark_conf,
                                  idempotency_key, request_hash, request_id, state, attempts, next_attempt_at,
                                  created_at, updated_at, py_files, requirements, python_version)
                select r.id, r.name, r.team, r.cluster_name, r.cluster_id, r.source, r.main_class,
                       coalesce(r.args, '[]'), coalesce(r.spark_conf, '{}'), r.idempotency_key, r.request_hash,
                       r.request_id, 'PENDING', 0, :now, :now, :now, coalesce(r.py_files, '[]'),
                       coalesce(r.requirements, '[]'), r.python_version
                from jsonb_to_recordset(cast(:rows as jsonb)) as r(
                    n int, id uuid, name text, team text, cluster_name text, cluster_id uuid, source text,
                    main_class text, args jsonb, spark_conf jsonb, idempotency_key text, request_hash text,
                    request_id text, py_files jsonb, requirements jsonb, python_version text)
                order by r.n
                on conflict (team, idempotency_key) where idempotency_key is not null do nothing
                returning *
                """)
                .param("rows", json.writeValueAsString(rows))
                .param("now", ts(now))
                .query(rowMapper)
                .list()
                .forEach(app -> inserted.put(app.id(), app));
        if (!inserted.isEmpty()) {
            List<Map<String, Object>> events = new ArrayList<>(inserted.size());
            for (UUID id : ids) {
                SparkApp app = inserted.get(id);
                if (app != null) {
                    Map<String, Object> event = new java.util.HashMap<>();
                    event.put("n", events.size());
                    event.put("app_id", id.toString());
                    event.put("request_id", app.requestId());
                    events.add(event);
                }
            }
            jdbc.sql("""
                    insert into app_events (app_id, at, from_state, to_state, reason, request_id)
                    select e.app_id, :now, null, 'PENDING', 'accepted', e.request_id
                    from jsonb_to_recordset(cast(:events as jsonb)) as e(n int, app_id uuid, request_id text)
                    order by e.n
                    """)
                    .param("events", json.writeValueAsString(events))
                    .param("now", ts(now))
                    .update();
        }
        List<CreateResult> results = new ArrayList<>(submits.size());
        for (int i = 0; i < submits.size(); i++) {
            Submit submit = submits.get(i);
            SparkApp created = inserted.get(ids.get(i));
            if (created == null) {
                // The key was used before (or earlier in this group): the first app, nothing written for this
                // one, so inTransaction has nothing to join.
                NewSparkApp app = submit.app();
                results.add(
                        findByIdempotencyKey(app.team(), app.idempotencyKey()).orElseThrow());
                continue;
            }
            listener.stateChanged(created, null);
            CreateResult result = new CreateResult(created, true, submit.hash());
            submit.inTransaction().accept(result);
            results.add(result);
        }
        return results;
    }

    @Override
    public Optional<CreateResult> findByIdempotencyKey(String team, String idempotencyKey) {
        if (idempotencyKey == null) {
            return Optional.empty();
        }
        return jdbc.sql("select * from apps where team = :team and idempotency_key = :key")
                .param("team", team)
                .param("key", idempotencyKey)
                .query((rs, n) -> new CreateResult(mapApp(rs, n), false, rs.getString("request_hash")))
                .optional();
    }

    @Override
    public Optional<SparkApp> find(UUID id) {
        return jdbc.sql("select * from apps where id = :id")
                .param("id", id)
                .query(rowMapper)
                .optional();
    }

    @Override
    public AppPage list(AppQuery query) {
        StringBuilder sql = new StringBuilder("select * from apps where true");
        Map<String, Object> params = new java.util.HashMap<>();
        if (query.clusterName() != null) {
            sql.append(" and cluster_name = :cluster");
            params.put("cluster", query.clusterName());
        }
        if (query.team() != null) {
            sql.append(" and team = :team");
            params.put("team", query.team());
        }
        if (!query.states().isEmpty()) {
            sql.append(" and state in (:states)");
            params.put("states", query.states().stream().map(Enum::name).toList());
        }
        if (query.cursor() != null) {
            Cursor cursor = Cursor.decode(query.cursor());
            sql.append(" and (created_at, id) < (:cursorAt, :cursorId)");
            params.put("cursorAt", ts(cursor.createdAt()));
            params.put("cursorId", cursor.id());
        }
        sql.append(" order by created_at desc, id desc limit :limit");
        params.put("limit", query.limit() + 1);
        List<SparkApp> rows =
                jdbc.sql(sql.toString()).params(params).query(rowMapper).list();
        if (rows.size() <= query.limit()) {
            return new AppPage(rows, null);
        }
        List<SparkApp> page = rows.subList(0, query.limit());
        SparkApp last = page.get(page.size() - 1);
        return new AppPage(List.copyOf(page), new Cursor(last.createdAt(), last.id()).encode());
    }

    @Override
    public List<AppEvent> events(UUID id) {
        return jdbc.sql("select * from app_events where app_id = :id order by id")
                .param("id", id)
                .query((rs, n) -> new AppEvent(
                        rs.getLong("id"),
                        rs.getObject("app_id", UUID.class),
                        instant(rs, "at"),
                        stateOrNull(rs.getString("from_state")),
                        AppState.valueOf(rs.getString("to_state")),
                        rs.getString("reason"),
                        rs.getString("request_id")))
                .list();
    }

    @Override
    public TransitionResult transition(UUID id, AppState expected, AppTransition change) {
        if (expected.isTerminal() && change.next() != expected) {
            // Terminal states are final: whoever asks to leave one is stale, and is told what is stored.
            return new TransitionResult(false, find(id).orElseThrow(() -> new AppNotFoundException(id)));
        }
        return tx.execute(status -> {
            Instant now = now();
            // The event is written by the same statement as the change: one round trip a transition.
            Optional<SparkApp> updated = jdbc.sql("""
                    with changed as (
                    update apps set
                        state = :next,
                        state_reason = case when :stateChanges then :reason else coalesce(:reason, state_reason) end,
                        updated_at = :now,
                        backend = coalesce(:backend, backend),
                        backend_id = coalesce(:backendId, backend_id),
                        backend_app_id = coalesce(:backendAppId, backend_app_id),
                        spark_ui_url = coalesce(:sparkUi, spark_ui_url),
                        driver_log_url = coalesce(:driverLog, driver_log_url),
                        log_uri = coalesce(:logUri, log_uri),
                        env_build_id = coalesce(cast(:envBuildId as uuid), env_build_id),
                        metrics = coalesce(cast(:metrics as jsonb), metrics),
                        next_attempt_at = coalesce(cast(:nextAttempt as timestamptz), next_attempt_at),
                        resolved_source = coalesce(:resolvedSource, resolved_source),
                        resolved_py_files = coalesce(cast(:resolvedPyFiles as jsonb), resolved_py_files),
                        unknown_since = case when :stateChanges then null else unknown_since end,
                        submitted_at = case when :next = 'SUBMITTED' then coalesce(submitted_at, :now) else submitted_at end,
                        started_at = case when :next = 'RUNNING' then coalesce(started_at, :now) else started_at end,
                        finished_at = case when :terminal then coalesce(finished_at, :now) else finished_at end,
                        lease_owner = case when :stateChanges then null else lease_owner end,
                        lease_until = case when :stateChanges then null else lease_until end
                    where id = :id and state = :expected
                    returning *
                    ), event as (
                    insert into app_events (app_id, at, from_state, to_state, reason, request_id)
                    select id, :now, :expected, state, :reason, coalesce(:requestId, request_id) from changed
                    where :stateChanges
                    )
                    select * from changed
                    """)
                    .param("id", id)
                    .param("expected", expected.name())
                    .param("next", change.next().name())
                    .param("stateChanges", change.next() != expected)
                    .param("terminal", change.next().isTerminal())
                    // Every value that may be null is typed: a null without a type is sent as "unknown", and the
                    // driver prepares the statement again (a parse and a plan) whenever a value's presence differs
                    // from the last call's, as it does between one transition and the next.
                    .param("reason", change.reason(), Types.VARCHAR)
                    .param("backend", change.backend(), Types.VARCHAR)
                    .param("backendId", change.backendId(), Types.VARCHAR)
                    .param("backendAppId", change.backendAppId(), Types.VARCHAR)
                    .param("sparkUi", change.links().sparkUiUrl(), Types.VARCHAR)
                    .param("driverLog", change.links().driverLogUrl(), Types.VARCHAR)
                    .param("logUri", change.links().logUri(), Types.VARCHAR)
                    .param(
                            "envBuildId",
                            change.envBuildId() == null
                                    ? null
                                    : change.envBuildId().toString(),
                            Types.VARCHAR)
                    .param(
                            "metrics",
                            change.metrics() == null ? null : json.writeValueAsString(change.metrics()),
                            Types.VARCHAR)
                    .param(
                            "nextAttempt",
                            change.nextAttemptAt() == null ? null : ts(change.nextAttemptAt()),
                            Types.TIMESTAMP)
                    .param("resolvedSource", change.resolvedSource(), Types.VARCHAR)
                    .param(
                            "resolvedPyFiles",
                            change.resolvedPyFiles() == null ? null : json.writeValueAsString(change.resolvedPyFiles()),
                            Types.VARCHAR)
                    .param("now", ts(now))
                    .param("requestId", MDC.get("requestId"), Types.VARCHAR)
                    .query(rowMapper)
                    .optional();
            if (updated.isEmpty()) {
                SparkApp current = find(id).orElseThrow(() -> new AppNotFoundException(id));
                return new TransitionResult(false, current);
            }
            if (change.next() != expected) {
                listener.stateChanged(updated.get(), expected);
            }
            return new TransitionResult(true, updated.get());
        });
    }

    /** The queue's states, as the partial indexes of V15 spell them. */
    private static final String QUEUE_STATES = SqlStates.list(AppState.notYetSubmittedStates());
    /** Claims from every replica take turns on this lock, so a running slot is never handed out twice. */
    private static final long CLAIM_LOCK = 0x706c617479636c6dL;

    /**
     * A skip scan over the teams that have due apps, then each team's oldest due apps from its own part of {@code
     * apps_queue_by_team} (V15; V20 dropped the index over all teams' queue, which let the planner walk every other
     * team's backlog to find one team's apps); rows other transactions hold are skipped, not waited for.
     */
    static final String CLAIM_CANDIDATES = """
            with recursive due_teams(team) as (
                (select team from apps
                 where state in %1$s and next_attempt_at <= :now
                 order by team limit 1)
                union all
                select (select a.team from apps a
                        where a.state in %1$s and a.next_attempt_at <= :now and a.team > d.team
                        order by a.team limit 1)
                from due_teams d where d.team is not null
            )
            select c.id, c.team, c.state, c.next_attempt_at, k.kind
            from due_teams d
            cross join lateral (
                select a.id, a.team, a.state, a.next_attempt_at, a.cluster_id from apps a
                where a.team = d.team and a.state in %1$s and a.next_attempt_at <= :now
                  and (a.lease_until is null or a.lease_until < :now)
                order by a.next_attempt_at, a.id
                limit :limit
                for update of a skip locked) c
            left join clusters k on k.id = c.cluster_id
            where d.team is not null
            order by c.next_attempt_at, c.id
            """.formatted(QUEUE_STATES);

    /**
     * Fair and batched: the due apps of every team with due apps are read (each team's oldest, at most
     * {@code limit}), then taken round-robin, each team {@code share} apps a turn, so a team's backlog of thousands
     * delays another team's first app by at most one claim. An app whose team already runs its limit on the
     * app's cluster kind is not taken; a PENDING one becomes QUEUED with the reason and its place in line.
     */
    @Override
    public List<SparkApp> claimForSubmission(String owner, Duration lease, int limit) {
        return tx.execute(status -> {
            Instant now = now();
            // With the lock, for this transaction only: plans made once per connection. Left to choose, PostgreSQL
            // planned the claim anew at every round (0.8 ms, four times its execution); its only index for the queue
            // is the team's own (V20), so the plan made once is the plan it would make each time.
            jdbc.sql("select set_config('plan_cache_mode', 'force_generic_plan', true), pg_advisory_xact_lock(:key)")
                    .param("key", CLAIM_LOCK)
                    .query((rs, n) -> n)
                    .single();
            List<Candidate> candidates = jdbc.sql(CLAIM_CANDIDATES)
                    .param("now", ts(now))
                    .param("limit", limit)
                    .query((rs, n) -> new Candidate(
                            rs.getObject("id", UUID.class),
                            rs.getString("team"),
                            AppState.valueOf(rs.getString("state")),
                            rs.getString("kind")))
                    .list();
            if (candidates.isEmpty()) {
                return List.<SparkApp>of();
            }
            Map<String, List<Candidate>> byTeam = new java.util.LinkedHashMap<>();
            for (Candidate c : candidates) {
                byTeam.computeIfAbsent(c.team(), t -> new ArrayList<>()).add(c);
            }
            Map<String, TeamLimits.Dispatch> dispatch = limits.dispatch(byTeam.keySet());
            Map<String, Integer> inFlight =
                    dispatch.values().stream().anyMatch(d -> !d.maxRunning().isEmpty())
                            ? inFlight(List.copyOf(dispatch.keySet()), now)
                            : new java.util.HashMap<>();
            List<UUID> picked = new ArrayList<>();
            List<Candidate> blocked = new ArrayList<>();
            Map<String, java.util.Iterator<Candidate>> queues = new java.util.LinkedHashMap<>();
            byTeam.forEach((team, list) -> queues.put(team, list.iterator()));
            // Teams take turns in the order of their oldest due app; each turn takes up to the team's share.
            while (picked.size() < limit && !queues.isEmpty()) {
                var teams = queues.entrySet().iterator();
                while (teams.hasNext() && picked.size() < limit) {
                    var entry = teams.next();
                    TeamLimits.Dispatch d = dispatch.getOrDefault(entry.getKey(), TeamLimits.Dispatch.DEFAULT);
                    int taken = 0;
                    java.util.Iterator<Candidate> queue = entry.getValue();
                    while (taken < d.share() && picked.size() < limit && queue.hasNext()) {
                        Candidate c = queue.next();
                        var max = d.maxRunning(c.kind());
                        String slot = c.team() + "/" + c.kind();
                        if (max.isPresent() && inFlight.getOrDefault(slot, 0) >= max.getAsInt()) {
                            blocked.add(c);
                            continue;
                        }
                        if (max.isPresent()) {
                            inFlight.merge(slot, 1, Integer::sum);
                        }
                        picked.add(c.id());
                        taken++;
                    }
                    if (!queue.hasNext()) {
                        teams.remove();
                    }
                }
            }
            queue(blocked, dispatch, inFlight, now);
            if (picked.isEmpty()) {
                return List.<SparkApp>of();
            }
            Map<UUID, SparkApp> leased = new java.util.HashMap<>();
            jdbc.sql("""
                    update apps set lease_owner = :owner, lease_until = :until
                    where id in (:ids)
                    returning *
                    """)
                    .param("owner", owner)
                    .param("until", ts(now.plus(lease)))
                    .param("ids", picked)
                    .query(rowMapper)
                    .list()
                    .forEach(app -> leased.put(app.id(), app));
            return picked.stream()
                    .map(leased::get)
                    .filter(java.util.Objects::nonNull)
                    .toList();
        });
    }

    private record Candidate(UUID id, String team, AppState state, String kind) {}

    /**
     * Apps of these teams that hold or are about to take a running slot, per team and cluster kind: those on the
     * backend, and those a worker holds right now (it may be submitting them).
     */
    private Map<String, Integer> inFlight(List<String> teams, Instant now) {
        Map<String, Integer> counts = new java.util.HashMap<>();
        jdbc.sql("""
                select a.team, k.kind, count(*) as n from apps a join clusters k on k.id = a.cluster_id
                where a.team in (:teams)
                  and a.state not in %s
                  and (a.state in %s or a.lease_until >= :now)
                group by a.team, k.kind
                """.formatted(TERMINAL_APPS, ON_BACKEND))
                .param("teams", teams)
                .param("now", ts(now))
                .query(rs -> {
                    counts.put(rs.getString("team") + "/" + rs.getString("kind"), rs.getInt("n"));
                });
        return counts;
    }

    /** Moves the PENDING ones of {@code blocked} to QUEUED, saying why and where each stands in its team's line. */
    private void queue(
            List<Candidate> blocked,
            Map<String, TeamLimits.Dispatch> dispatch,
            Map<String, Integer> inFlight,
            Instant now) {
        Map<String, Integer> place = new java.util.HashMap<>();
        String requestId = MDC.get("requestId");
        for (Candidate c : blocked) {
            int position = place.merge(c.team() + "/" + c.kind(), 1, Integer::sum);
            if (c.state() != AppState.PENDING) {
                continue;
            }
            int max = dispatch.get(c.team()).maxRunning(c.kind()).getAsInt();
            String reason = "waiting for a running slot: team '" + c.team() + "' runs "
                    + inFlight.getOrDefault(c.team() + "/" + c.kind(), 0) + " apps on " + c.kind()
                    + " clusters, its quota is " + max
                    + "; position " + position + " in the team's queue";
            int moved = jdbc.sql("""
                    update apps set state = 'QUEUED', state_reason = :reason, updated_at = :now
                    where id = :id and state = 'PENDING'
                    """)
                    .param("id", c.id())
                    .param("reason", reason)
                    .param("now", ts(now))
                    .update();
            if (moved == 1) {
                insertEvent(c.id(), now, AppState.PENDING, AppState.QUEUED, reason, requestId);
                find(c.id()).ifPresent(app -> listener.stateChanged(app, AppState.PENDING));
            }
        }
    }

    @Override
    public void release(UUID id, String owner, Instant nextAttemptAt, String reason, boolean countAttempt) {
        jdbc.sql("""
                update apps set lease_owner = null, lease_until = null, next_attempt_at = :next,
                    attempts = attempts + :inc, state_reason = coalesce(:reason, state_reason), updated_at = :now,
                    outage_retries = 0
                where id = :id and lease_owner = :owner
                """)
                .param("id", id)
                .param("owner", owner)
                .param("next", ts(nextAttemptAt))
                .param("inc", countAttempt ? 1 : 0)
                .param("reason", reason)
                .param("now", ts(now()))
                .update();
    }

    @Override
    public void releaseAfterOutage(UUID id, String owner, String reason, Duration initialBackoff, Duration maxBackoff) {
        // The wait doubles with each outage retry in a row, up to the cap: computed here from the stored count so
        // that replicas taking turns at the app keep one pace.
        jdbc.sql("""
                update apps set lease_owner = null, lease_until = null,
                    next_attempt_at = cast(:now as timestamptz) + interval '1 millisecond'
                        * least(cast(:initial as bigint) * power(2, least(outage_retries, 20)), cast(:max as bigint)),
                    outage_retries = outage_retries + 1, state_reason = coalesce(:reason, state_reason),
                    updated_at = :now
                where id = :id and lease_owner = :owner
                """)
                .param("id", id)
                .param("owner", owner)
                .param("initial", initialBackoff.toMillis())
                .param("max", maxBackoff.toMillis())
                .param("reason", reason)
                .param("now", ts(now()))
                .update();
    }

    @Override
    public int renewLeases(String owner, Collection<UUID> ids, Duration lease) {
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbc.sql("update apps set lease_until = :until where lease_owner = :owner and id in (:ids)")
                .param("until", ts(now().plus(lease)))
                .param("owner", owner)
                .param("ids", List.copyOf(ids))
                .update();
    }

    @Override
    public int releaseClaims(String owner, Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return 0;
        }
        // Due at once: the round that held them failed part-way, and the apps should not wait for anything.
        return jdbc.sql("""
                update apps set lease_owner = null, lease_until = null
                where lease_owner = :owner and id in (:ids)
                """)
                .param("owner", owner)
                .param("ids", List.copyOf(ids))
                .update();
    }

    @Override
    public Map<UUID, Instant> noteUnknown(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<UUID, Instant> since = new java.util.HashMap<>();
        jdbc.sql("""
                update apps set unknown_since = coalesce(unknown_since, :now)
                where id in (:ids)
                returning id, unknown_since
                """)
                .param("ids", List.copyOf(ids))
                .param("now", ts(now()))
                .query((rs, n) -> since.put(rs.getObject("id", UUID.class), instant(rs, "unknown_since")))
                .list();
        return since;
    }

    @Override
    public void noteKnown(Collection<UUID> ids) {
        if (ids.isEmpty()) {
            return;
        }
        jdbc.sql("update apps set unknown_since = null where id in (:ids) and unknown_since is not null")
                .param("ids", List.copyOf(ids))
                .update();
    }

    @Override
    public List<Orphan> findActiveOnTerminatedClusters(int limit) {
        return jdbc.sql("""
                select a.*, c.name as c_name, c.state as c_state, c.state_reason as c_reason
                from apps a join clusters c on c.id = a.cluster_id
                where c.state in %s and a.state in (:states)
                order by a.created_at
                limit :limit
                """.formatted(TERMINATED_CLUSTERS))
                .param(
                        "states",
                        AppState.activeStates().stream().map(Enum::name).toList())
                .param("limit", limit)
                .query((rs, n) -> new Orphan(
                        mapApp(rs, n), rs.getString("c_name"), rs.getString("c_state"), rs.getString("c_reason")))
                .list();
    }

    @Override
    public List<SparkApp> findActiveOnCluster(UUID clusterId) {
        return jdbc.sql("select * from apps where cluster_id = :clusterId and state in (:states) order by created_at")
                .param("clusterId", clusterId)
                .param(
                        "states",
                        AppState.activeStates().stream().map(Enum::name).toList())
                .query(rowMapper)
                .list();
    }

    @Override
    public List<SparkApp> findByStates(Collection<AppState> states) {
        if (states.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select * from apps where state in (:states) order by created_at")
                .param("states", states.stream().map(Enum::name).toList())
                .query(rowMapper)
                .list();
    }

    @Override
    public List<SparkApp> findByStatesPage(
            Collection<AppState> states, String clusterName, Instant createdBefore, UUID after, int limit) {
        if (states.isEmpty()) {
            return List.of();
        }
        // The states are written as literals (enum names, never user input) and conditions are added only when
        // given: PostgreSQL uses a partial index (apps_on_backend_by_id) only for a condition it can see implies it.
        StringBuilder sql = new StringBuilder("select * from apps where state in (")
                .append(states.stream()
                        .map(s -> "'" + s.name() + "'")
                        .sorted()
                        .collect(java.util.stream.Collectors.joining(", ")))
                .append(")");
        Map<String, Object> params = new java.util.HashMap<>();
        if (clusterName != null) {
            sql.append(" and cluster_name = :cluster");
            params.put("cluster", clusterName);
        }
        if (createdBefore != null) {
            sql.append(" and created_at <= :createdBefore");
            params.put("createdBefore", ts(createdBefore));
        }
        if (after != null) {
            sql.append(" and id > :after");
            params.put("after", after);
        }
        sql.append(" order by id limit :limit");
        params.put("limit", limit);
        return jdbc.sql(sql.toString()).params(params).query(rowMapper).list();
    }

    @Override
    public List<String> clusterNamesWithStates(Collection<AppState> states) {
        if (states.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select distinct cluster_name from apps where state in ("
                        + states.stream()
                                .map(s -> "'" + s.name() + "'")
                                .sorted()
                                .collect(java.util.stream.Collectors.joining(", "))
                        + ") order by cluster_name")
                .query(String.class)
                .list();
    }

    private void insertEvent(UUID appId, Instant at, AppState from, AppState to, String reason, String requestId) {
        jdbc.sql("""
                insert into app_events (app_id, at, from_state, to_state, reason, request_id)
                values (:appId, :at, :from, :to, :reason,
                        coalesce(:requestId, (select request_id from apps where id = :appId)))
                """)
                .param("appId", appId)
                .param("at", ts(at))
                // Typed, null or not: a null without a type is sent as "unknown", and the driver prepares the
                // statement again (a parse and a plan) whenever a value's presence differs from the last call's.
                .param("from", from == null ? null : from.name(), Types.VARCHAR)
                .param("to", to.name())
                .param("reason", reason, Types.VARCHAR)
                .param("requestId", requestId, Types.VARCHAR)
                .update();
    }

    private SparkApp mapApp(ResultSet rs, int rowNum) throws SQLException {
        return new SparkApp(
                rs.getObject("id", UUID.class),
                rs.getString("name"),
                rs.getString("team"),
                rs.getString("cluster_name"),
                rs.getObject("cluster_id", UUID.class),
                rs.getString("source"),
                rs.getString("main_class"),
                stringList(rs, "args"),
                stringMap(rs, "spark_conf"),
                rs.getString("idempotency_key"),
                rs.getString("request_id"),
                AppState.valueOf(rs.getString("state")),
                rs.getString("state_reason"),
                rs.getString("backend"),
                rs.getString("backend_id"),
                rs.getString("backend_app_id"),
                new AppLinks(rs.getString("spark_ui_url"), rs.getString("driver_log_url"), rs.getString("log_uri")),
                rs.getInt("attempts"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"),
                instant(rs, "submitted_at"),
                instant(rs, "started_at"),
                instant(rs, "finished_at"),
                stringList(rs, "py_files"),
                stringList(rs, "requirements"),
                rs.getString("python_version"),
                rs.getObject("env_build_id", UUID.class),
                instant(rs, "unknown_since"),
                rs.getString("metrics") == null ? null : json.readValue(rs.getString("metrics"), LONG_MAP),
                rs.getString("resolved_source"),
                stringList(rs, "resolved_py_files"));
    }

    /**
     * A jsonb list column; null stays null. Most apps have no args, files or requirements, and a row's "[]" costs
     * no parser: the watchdog maps every active app each cycle.
     */
    private List<String> stringList(ResultSet rs, String column) throws SQLException {
        String value = rs.getString(column);
        if (value == null) {
            return null;
        }
        return value.equals("[]") ? List.of() : json.readValue(value, STRING_LIST);
    }

    private Map<String, String> stringMap(ResultSet rs, String column) throws SQLException {
        String value = rs.getString(column);
        if (value == null) {
            return null;
        }
        return value.equals("{}") ? Map.of() : json.readValue(value, STRING_MAP);
    }

    private static AppState stateOrNull(String value) {
        return value == null ? null : AppState.valueOf(value);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp ts = rs.getTimestamp(column);
        return ts == null ? null : ts.toInstant();
    }

    private static Timestamp ts(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    /** PostgreSQL keeps microseconds; the clock is cut to match so what is written reads back equal. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** A page position: the last row's creation time and id, opaque to callers. */
    record Cursor(Instant createdAt, UUID id) {

        /** The year 9999: later than any app was created. */
        private static final long MAX_CURSOR_MICROS = 253_402_300_799_000_000L;

        String encode() {
            String raw = ChronoUnit.MICROS.between(Instant.EPOCH, createdAt) + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String encoded) {
            try {
                String raw = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
                int colon = raw.indexOf(':');
                long micros = Long.parseLong(raw.substring(0, colon));
                if (micros < 0 || micros > MAX_CURSOR_MICROS) {
                    // Not one this store wrote, and out of PostgreSQL's range for a timestamp.
                    throw new IllegalArgumentException("cursor time out of range");
                }
                return new Cursor(
                        Instant.EPOCH.plus(micros, ChronoUnit.MICROS), UUID.fromString(raw.substring(colon + 1)));
            } catch (RuntimeException e) {
                throw new InvalidCursorException(encoded);
            }
        }
    }
}
