-- Apps carry their Python dependencies and extra files, the environment built for them, the Spark metrics their
-- backend reported, and since when their backend has not known them (the watchdog's lost-app rule).
alter table apps
    add column py_files       jsonb not null default '[]',
    add column requirements   jsonb not null default '[]',
    add column python_version text,
    add column env_build_id   uuid,
    add column unknown_since  timestamptz,
    add column metrics        jsonb;

-- Clusters the platform creates are provisioned by a worker that leases them like apps; dedicated clusters are
-- terminated after an idle time of their own.
alter table clusters
    add column idle_timeout_seconds integer,
    add column lease_owner          text,
    add column lease_until          timestamptz;

-- The cleaner's and the idle check's questions: active apps per cluster, latest activity per cluster.
create index apps_cluster_id_activity on apps (cluster_id, finished_at);
