-- Moves of project databases between servers (logical replication). Every phase is written here before it runs,
-- so that whichever replica takes the project's ownership after a crash resumes the move where it stopped.
CREATE TABLE project_moves (
    id                uuid         PRIMARY KEY,
    -- No foreign key: the history of a move, and the source database it left behind, outlive the project.
    project_id        uuid         NOT NULL,
    project_name      text         NOT NULL,
    database_name     text         NOT NULL,
    source_server     varchar(63)  NOT NULL,
    target_server     varchar(63)  NOT NULL,
    CONSTRAINT project_moves_servers_differ CHECK (source_server <> target_server),
    -- Who asked: a caller (api), a drain of the source, or a rebalance.
    cause             text         NOT NULL,
    state             text         NOT NULL,
    CONSTRAINT project_moves_state_values CHECK (state IN ('RUNNING', 'ROLLING_BACK', 'SUCCEEDED', 'FAILED')),
    phase             text         NOT NULL,
    CONSTRAINT project_moves_phase_values CHECK (phase IN ('PREPARING', 'COPYING', 'CATCHING_UP', 'FREEZING',
                                                           'CUTTING_OVER', 'CLEANING_UP', 'DONE')),
    -- Progress, as last measured: tables copied of all, the running copy's rows and bytes, sizes, lag.
    tables_total      integer,
    tables_copied     integer,
    rows_copied       bigint,
    bytes_copied      bigint,
    source_bytes      bigint,
    target_bytes      bigint,
    lag_bytes         bigint,
    -- How long the source's writes were frozen: from the freeze to the switch.
    freeze_millis     bigint,
    error             text,
    attempts          integer      NOT NULL DEFAULT 0,
    -- The source database is kept until then after a successful move, then dropped.
    source_drop_after timestamptz,
    source_dropped_at timestamptz,
    created_at        timestamptz  NOT NULL DEFAULT now(),
    updated_at        timestamptz  NOT NULL DEFAULT now(),
    finished_at       timestamptz
);

-- One unfinished move per project, across every replica.
CREATE UNIQUE INDEX project_moves_one_active_idx ON project_moves (project_id)
    WHERE state IN ('RUNNING', 'ROLLING_BACK');

CREATE INDEX project_moves_project_idx ON project_moves (project_id, created_at DESC);

-- Sources kept for their grace period, found by the job that drops them.
CREATE INDEX project_moves_kept_sources_idx ON project_moves (source_drop_after)
    WHERE source_drop_after IS NOT NULL AND source_dropped_at IS NULL;

-- Set while a move cuts the project over (writes frozen on the source): resolutions answer 503 meanwhile.
ALTER TABLE projects ADD COLUMN moving_since timestamptz;

-- Drains: a server cordoned and emptied, its projects moved a few at a time by whichever replica looks next.
CREATE TABLE server_drains (
    server       varchar(63)  PRIMARY KEY REFERENCES database_servers (name),
    state        text         NOT NULL,
    CONSTRAINT server_drains_state_values CHECK (state IN ('RUNNING', 'COMPLETED', 'STOPPED')),
    parallelism  integer      NOT NULL CHECK (parallelism > 0),
    started_at   timestamptz  NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    error        text
);
