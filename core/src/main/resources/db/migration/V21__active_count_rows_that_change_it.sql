-- V18 kept team_active_apps with statement-level triggers on every update and delete of apps. Each fired for every
-- such statement, whether or not it changed a count: the submission worker's move to SUBMITTED, a claim's lease, a
-- watchdog's unknown_since, the cleaner's purge of finished apps. Each paid for capturing the rows it changed and a
-- PL/pgSQL aggregate over them (0.025 ms of a 0.13 ms transition, measured with pgbench on PostgreSQL 17).
-- Only a row that moves between active and ended, or an active row deleted, changes a count. Row-level triggers
-- with those conditions run for exactly those rows, and the conditions are checked without calling the function.
-- The store ends apps one statement per app. A bulk statement that ends many apps updates its teams' rows once per
-- app, in the order of its rows (correct, slower than once per team in team order); two such statements running at
-- once over the same teams can deadlock, and PostgreSQL then cancels one. Such statements are an operator's, rare.
drop trigger apps_active_updated on apps;
drop trigger apps_active_deleted on apps;
drop function apps_active_updated();
drop function apps_active_deleted();

create function apps_active_row_changed() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform team_active_apps_add(jsonb_build_object(old.team, -1));
    elsif old.team is distinct from new.team then
        -- Not done by the platform; counted right anyway.
        if old.state not in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST') then
            perform team_active_apps_add(jsonb_build_object(old.team, -1));
        end if;
        if new.state not in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST') then
            perform team_active_apps_add(jsonb_build_object(new.team, 1));
        end if;
    elsif new.state in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST') then
        perform team_active_apps_add(jsonb_build_object(new.team, -1));
    else
        perform team_active_apps_add(jsonb_build_object(new.team, 1));
    end if;
    return null;
end $$;

create trigger apps_active_updated after update of state, team on apps
    for each row
    when ((old.state in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST')) is distinct from
              (new.state in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST'))
          or old.team is distinct from new.team)
    execute function apps_active_row_changed();

create trigger apps_active_deleted after delete on apps
    for each row
    when (old.state not in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST'))
    execute function apps_active_row_changed();
