-- The fair claim (V15) reads each team's due apps from apps_queue_by_team (team, next_attempt_at). The older index
-- over every team's queue, apps_submission_queue (next_attempt_at), serves no query now, but the planner still chose
-- it for one team's apps when another team had a backlog: it walked the queue in due order and filtered the team,
-- reading every app of the other team's backlog that was due earlier (13 ms for one team's 20 apps behind 5,000, against
-- 0.4 ms from the team's own index). Dropping it also spares each submit one index entry.
drop index if exists apps_submission_queue;
