-- An app's history holds every change of its reason, not only changes of its state: each failed submit attempt,
-- each outage waited out, each change of the cluster or environment it waits for. State changes are written by
-- the store with the request id of the call that made them; a new reason in the same state is written here, so
-- that every writer of apps.state_reason (transition, release, release after an outage, and any later one) is
-- covered by one rule. The same reason written again is no change and leaves no event.
create function platy_app_reason_event() returns trigger language plpgsql as $$
begin
    insert into app_events (app_id, at, from_state, to_state, reason, request_id)
    values (new.id, new.updated_at, new.state, new.state, new.state_reason, new.request_id);
    return null;
end
$$;

create trigger apps_reason_event after update of state_reason on apps
    for each row
    when (old.state = new.state and new.state_reason is not null
          and new.state_reason is distinct from old.state_reason)
    execute function platy_app_reason_event();
