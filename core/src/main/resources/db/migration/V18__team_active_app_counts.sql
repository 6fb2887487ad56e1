-- Admission checks a team's active apps against maxActiveApps under the team's lock. Counting them each time cost
-- O(active apps) per admission (4 ms per submit with 20k active); this table holds the count, kept by triggers on
-- every statement that inserts, ends or deletes apps, whatever the path (store, watchdog, cleaner, a bulk update).
-- Statement-level triggers with transition tables: a statement that touches a million rows updates each team's row
-- once. Rows are changed in team order, so two statements never wait on each other's teams in opposite orders.
create table team_active_apps (
    team   text   primary key,
    active bigint not null
);

insert into team_active_apps (team, active)
select team, count(*) from apps
where state not in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST')
group by team;

create function team_active_apps_add(changes jsonb) returns void language sql as $$
    insert into team_active_apps (team, active)
    select c.key, greatest(c.value::bigint, 0) from jsonb_each_text(changes) c order by c.key
    on conflict (team) do update set active = team_active_apps.active + (
        select c.value::bigint from jsonb_each_text(changes) c where c.key = excluded.team)
$$;

create function apps_active_inserted() returns trigger language plpgsql as $$
declare
    changes jsonb;
begin
    select jsonb_object_agg(team, n) into changes from (
        select team, count(*) as n from new_rows
        where state not in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST')
        group by team) t;
    if changes is not null then
        perform team_active_apps_add(changes);
    end if;
    return null;
end $$;

create function apps_active_updated() returns trigger language plpgsql as $$
declare
    changes jsonb;
begin
    select jsonb_object_agg(team, n) into changes from (
        select n.team,
               sum(case when o.state not in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST') then -1 else 0 end
                 + case when n.state not in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST') then 1 else 0 end) as n
        from old_rows o join new_rows n on n.id = o.id
        where o.state is distinct from n.state
        group by n.team) t
    where n <> 0;
    if changes is not null then
        perform team_active_apps_add(changes);
    end if;
    return null;
end $$;

create function apps_active_deleted() returns trigger language plpgsql as $$
declare
    changes jsonb;
begin
    select jsonb_object_agg(team, -n) into changes from (
        select team, count(*) as n from old_rows
        where state not in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST')
        group by team) t;
    if changes is not null then
        perform team_active_apps_add(changes);
    end if;
    return null;
end $$;

create trigger apps_active_inserted after insert on apps
    referencing new table as new_rows for each statement execute function apps_active_inserted();
create trigger apps_active_updated after update on apps
    referencing old table as old_rows new table as new_rows for each statement execute function apps_active_updated();
create trigger apps_active_deleted after delete on apps
    referencing old table as old_rows for each statement execute function apps_active_deleted();
