-- An outage (backend, artifact store or app-builder unreachable) is waited out without using up the app's
-- submission attempts; its own count paces the retries (a backoff that doubles up to a cap).
alter table apps add column outage_retries integer not null default 0;

-- Leadership of the watchdog and the cleaner: a row per role with a holder, an expiry the holder renews, and a
-- fencing token that grows with every change of holder. A stalled holder loses the role when its lease runs out,
-- and its late writes are refused because they carry an old token.
create table leader_leases (
    name       text primary key,
    holder     text not null,
    token      bigint not null,
    expires_at timestamptz not null
);
