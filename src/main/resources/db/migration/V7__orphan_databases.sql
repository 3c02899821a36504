-- Databases with the managed prefix that no project row owns, and since when the reconciler has seen them.
-- An orphan is dropped (only with registry.reconciliation.drop-orphans=true) once it has been seen for longer
-- than the grace period; the first sighting is kept here so that a restart does not reset the clock.
CREATE TABLE orphan_databases (
    database_name varchar(63) PRIMARY KEY,
    first_seen_at timestamptz NOT NULL DEFAULT now()
);
