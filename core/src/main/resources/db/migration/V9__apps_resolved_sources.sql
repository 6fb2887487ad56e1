-- Where the backend actually read the app's code from: a local source or py-file shipped to the artifact store
-- (S3 for EMR) runs from its uploaded copy, which the stored `source` / `py_files` do not say. Null until the app
-- is submitted; equal to `source` / `py_files` when nothing had to be shipped.
alter table apps
    add column resolved_source   text,
    add column resolved_py_files jsonb;
