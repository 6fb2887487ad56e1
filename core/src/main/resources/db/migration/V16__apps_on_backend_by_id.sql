-- The reconciler reads a cluster's on-backend apps in pages of the id order (a keyset: "id > the last one seen"),
-- so a watchdog cycle holds one page, not every active app (717 MB of heap at 190k apps). This index gives each
-- page as one short range; it serves the old one's look-ups by cluster too.
create index apps_on_backend_by_id on apps (cluster_name, id)
    where state in ('SUBMITTED', 'RUNNING');
drop index apps_on_backend;
