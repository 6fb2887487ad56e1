-- Listing one cluster's (or team's) apps in one state, newest first, reads the rows in order from one index range
-- instead of walking the cluster's whole history (measured: bench "store: list page of 100").
create index apps_cluster_state_created on apps (cluster_name, state, created_at desc, id desc);
create index apps_team_state_created on apps (team, state, created_at desc, id desc);
