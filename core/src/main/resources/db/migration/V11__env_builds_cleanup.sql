-- The cleaner's questions about environment builds: finished builds by age, and whether any app still names one.
create index env_builds_finished_by_age on env_builds (updated_at) where state in ('READY', 'FAILED');
create index apps_env_build_id on apps (env_build_id) where env_build_id is not null;
