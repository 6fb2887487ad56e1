-- Python environment builds. One live build per cache key: a concurrent identical request finds the build in
-- progress instead of starting a second; a failed one does not block a retry.
create table env_builds (
    id           uuid        primary key,
    cache_key    text        not null,
    team         text,
    spec         jsonb       not null,
    state        text        not null,
    uri          text,
    size_bytes   bigint,
    duration_ms  bigint,
    log          text,
    error        text,
    created_at   timestamptz not null,
    updated_at   timestamptz not null
);
create unique index env_builds_live_key on env_builds (cache_key) where state <> 'FAILED';
