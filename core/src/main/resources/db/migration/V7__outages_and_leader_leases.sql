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

-- The fencing check on every write a leader makes: a leader's connections carry its role and token in the
-- session setting platy.fence ("name#token"); a statement changing apps or clusters under a token that is no
-- longer the role's current one is refused. FOR SHARE keeps a takeover from committing between the check and the
-- write. Connections of anyone else (API requests, submission workers) carry no fence and are not checked.
create function platy_leader_fence() returns trigger language plpgsql as $$
declare
    fence text := current_setting('platy.fence', true);
begin
    if fence is null or fence = '' then
        return null;
    end if;
    perform 1 from leader_leases
        where name = split_part(fence, '#', 1) and token = split_part(fence, '#', 2)::bigint
        for share;
    if not found then
        raise exception 'leadership lost: % is no longer the current holder of the role; its write is refused',
            fence using errcode = 'PF001';
    end if;
    return null;
end
$$;

create trigger apps_leader_fence before insert or update or delete on apps
    for each statement execute function platy_leader_fence();
create trigger clusters_leader_fence before insert or update or delete on clusters
    for each statement execute function platy_leader_fence();
