-- The cleaner's batches ("the oldest N finished before the cutoff") read one range of a small index instead of
-- scanning and sorting the whole table for every batch (measured: 1.4-1.6 s a batch of 1,000 at 940k apps, ~22
-- minutes for the backlog, growing with it). The predicates are the ones the cleaner writes from the enums
-- (RetentionCleaner.purgeSql): a partial index serves a query only when the query's condition implies the index's.
create index apps_purge on apps (finished_at)
    where state in ('SUCCEEDED', 'FAILED', 'KILLED', 'LOST');
create index clusters_purge on clusters (terminated_at)
    where state in ('TERMINATED', 'TERMINATED_WITH_ERRORS');
