-- Every change to api_tokens or clusters is announced on the channel platy_store_changes, naming the table, when
-- its transaction commits. The API answers each submit with a token's row and a cluster's row; it keeps the rows it
-- read, and drops them when it hears of a change to their table (StoreChanges, RecentReads). A trigger, not the
-- platform's own code, sends the notice, so a change made anywhere (another replica, the watchdog, psql) is heard.
-- PostgreSQL folds a transaction's identical notices into one, so a statement over many rows costs one notice.
create function platy_notify_change() returns trigger language plpgsql as $$
begin
    perform pg_notify('platy_store_changes', tg_table_name);
    return null;
end
$$;

create trigger api_tokens_notify_change after insert or update or delete on api_tokens
    for each row execute function platy_notify_change();
create trigger api_tokens_notify_truncate after truncate on api_tokens
    for each statement execute function platy_notify_change();
create trigger clusters_notify_change after insert or update or delete on clusters
    for each row execute function platy_notify_change();
create trigger clusters_notify_truncate after truncate on clusters
    for each statement execute function platy_notify_change();
