-- Quotas per team. A null column means "the configured default" (platy.quotas.*), so changing a default reaches
-- every team that has not been given its own value.
create table team_quotas (
    team                 text        primary key,
    -- Weight in the submission worker's round-robin and in the shared cluster's YARN queue.
    share                integer     check (share between 1 and 1000),
    max_active_apps      integer     check (max_active_apps >= 0),
    submits_per_minute   integer     check (submits_per_minute >= 0),
    -- {"SHARED": 20, "DEDICATED": 50}: apps of the team on SUBMITTED/RUNNING at once on clusters of that kind.
    max_running          jsonb,
    max_clusters         integer     check (max_clusters >= 0),
    -- Largest share of the shared cluster the team's YARN queue may take, in percent.
    max_queue_percent    integer     check (max_queue_percent between 1 and 100),
    updated_at           timestamptz not null,
    updated_by           text
);

-- An app over its team's running limit waits in the queue as QUEUED: the queue's states now include it.
drop index apps_submission_queue;
create index apps_submission_queue on apps (next_attempt_at)
    where state in ('PENDING', 'QUEUED', 'WAITING_FOR_CLUSTER', 'BUILDING_ENV');
-- The fair claim walks the teams that have due apps (a skip scan over team), then each team's oldest.
create index apps_queue_by_team on apps (team, next_attempt_at)
    where state in ('PENDING', 'QUEUED', 'WAITING_FOR_CLUSTER', 'BUILDING_ENV');
-- Admission counts a team's active apps, and the claim its apps on the backend, without reading finished ones.
create index apps_active_by_team on apps (team)
    where state not in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST');
