-- The capacity a dedicated or dev cluster takes, in the provider's weighted units (EMR: the instance fleets' or
-- groups' weighted capacity; a Spark standalone cluster: its workers' cores), from its validated config. Null for
-- a registered cluster and for clusters recorded before this column: they count as 0 against the quota.
alter table clusters add column capacity_units integer check (capacity_units >= 0);

-- A team's largest total capacity_units over its active dedicated and dev clusters; null: the configured default.
alter table team_quotas add column max_capacity_units integer check (max_capacity_units >= 0);
