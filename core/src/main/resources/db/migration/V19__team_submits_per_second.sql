-- The per-minute submission quota counted a team's apps created in the last minute at each admission: O(a minute
-- of submits) per admission (up to 60,000 index entries at the default quota). This table holds each team's
-- submissions per second, kept by a trigger on every statement that inserts apps (whatever the path), so an
-- admission sums at most 61 rows. Rows older than the window are removed by the next admission of their team (a team
-- that stops submitting keeps at most 61). Purging an app does not take it out of the count: a submission stays a
-- submission.
create table team_submit_seconds (
    team   text        not null,
    second timestamptz not null,
    n      bigint      not null,
    primary key (team, second)
);

insert into team_submit_seconds (team, second, n)
select team, date_trunc('second', created_at), count(*) from apps
where created_at > now() - interval '2 minutes'
group by 1, 2;

create function apps_submits_counted() returns trigger language plpgsql as $$
begin
    insert into team_submit_seconds (team, second, n)
    select team, date_trunc('second', created_at), count(*) from new_rows
    group by 1, 2 order by 1, 2
    on conflict (team, second) do update set n = team_submit_seconds.n + excluded.n;
    return null;
end $$;

create trigger apps_submits_counted after insert on apps
    referencing new table as new_rows for each statement execute function apps_submits_counted();
