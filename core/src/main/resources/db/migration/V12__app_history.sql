-- After an app ends, the history recorder reads what its cluster left behind (the event log's metrics summary, the
-- durable copy of its logs) and records it with the app. It visits an ended app until that is done or it runs out
-- of attempts (the copy may appear minutes after the end: EMR pushes logs every few minutes); these say how often it
-- tried and when it may try again ('infinity' once done). Both are set only by the recorder, so a constant default
-- keeps this a metadata-only change on a large table. Due apps are found through apps_purge (finished_at) within a
-- look-back window, so no new index is needed.
alter table apps
    add column history_attempts int not null default 0,
    add column history_due_at timestamptz;
