-- A client session (one codebase-mcp connection): its working directory and active project.
-- Rows in PostgreSQL, so every replica sees them; expired rows are purged on a schedule.

CREATE TABLE sessions (
    session_id        varchar(128) PRIMARY KEY
                      CONSTRAINT sessions_id_rule CHECK (session_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$'),
    working_directory text,
    -- Deleting a project clears it from every session that had it active.
    active_project_id uuid REFERENCES projects (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_seen_at      timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL
);

CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);
CREATE INDEX sessions_active_project_idx ON sessions (active_project_id);
