-- API tokens: only a SHA-256 of each token is kept; the token itself is shown once, when it is created.
create table api_tokens (
    id          uuid        primary key,
    name        text        not null,
    team        text,
    admin       boolean     not null default false,
    token_hash  text        not null unique,
    created_at  timestamptz not null,
    created_by  text,
    expires_at  timestamptz,
    revoked_at  timestamptz
);
create unique index api_tokens_active_name on api_tokens (name) where revoked_at is null;

-- Every mutating API call: who, for which team, what, when, with which request id, and how it ended.
create table audit_log (
    id          bigserial   primary key,
    at          timestamptz not null,
    actor       text        not null,
    team        text,
    admin       boolean     not null default false,
    method      text        not null,
    path        text        not null,
    status      integer     not null,
    request_id  text
);
create index audit_log_at on audit_log (at desc);
create index audit_log_actor on audit_log (actor, at desc);
