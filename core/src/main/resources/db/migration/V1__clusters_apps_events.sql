-- Clusters: one row per cluster the platform knows, including terminated ones until the cleaner purges them.
create table clusters (
    id            uuid        primary key,
    name          text        not null,
    kind          text        not null,
    team          text,
    config        jsonb,
    external_id   text,
    master_dns    text,
    livy_url      text,
    state         text        not null,
    state_reason  text,
    created_at    timestamptz not null,
    updated_at    timestamptz not null,
    terminated_at timestamptz
);

-- Get-or-create by name is atomic: at most one non-terminated cluster per name.
create unique index clusters_active_name on clusters (name)
    where state not in ('TERMINATED', 'TERMINATED_WITH_ERRORS');
create index clusters_state on clusters (state);

create table apps (
    id               uuid        primary key,
    name             text        not null,
    team             text        not null,
    cluster_name     text        not null,
    cluster_id       uuid,
    source           text        not null,
    main_class       text,
    args             jsonb       not null default '[]',
    spark_conf       jsonb       not null default '{}',
    idempotency_key  text,
    request_hash     text,
    request_id       text,
    state            text        not null,
    state_reason     text,
    backend          text,
    backend_id       text,
    backend_app_id   text,
    spark_ui_url     text,
    driver_log_url   text,
    log_uri          text,
    attempts         integer     not null default 0,
    next_attempt_at  timestamptz not null,
    lease_owner      text,
    lease_until      timestamptz,
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    submitted_at     timestamptz,
    started_at       timestamptz,
    finished_at      timestamptz
);

-- One app per idempotency key and team: a retried submit finds the first one.
create unique index apps_team_idempotency_key on apps (team, idempotency_key)
    where idempotency_key is not null;
-- Listing newest first, by cluster / team / state, with a (created_at, id) cursor.
create index apps_created on apps (created_at desc, id desc);
create index apps_cluster_created on apps (cluster_name, created_at desc, id desc);
create index apps_team_created on apps (team, created_at desc, id desc);
-- The submission worker's queue and the reconciler's working set are small partial indexes.
create index apps_submission_queue on apps (next_attempt_at)
    where state in ('PENDING', 'WAITING_FOR_CLUSTER', 'BUILDING_ENV');
create index apps_on_backend on apps (cluster_name)
    where state in ('SUBMITTED', 'RUNNING');

-- Append-only history of every state change.
create table app_events (
    id         bigserial   primary key,
    app_id     uuid        not null references apps (id) on delete cascade,
    at         timestamptz not null,
    from_state text,
    to_state   text        not null,
    reason     text,
    request_id text
);
create index app_events_app on app_events (app_id, id);
