-- A cluster whose creation failed (provider throttling or down) is tried again after a backoff that doubles with
-- each failed attempt, instead of at once: an outage must not turn into a tight loop of create calls.
alter table clusters add column provision_attempts integer not null default 0;
