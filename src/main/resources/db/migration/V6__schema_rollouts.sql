-- Fleet rollouts of the project schema: one row per rollout, one item per project database it migrates.
-- Progress lives here, not in memory, so a rollout survives a restart and any replica can resume it.

CREATE TABLE schema_rollouts (
    id          uuid        PRIMARY KEY,
    state       varchar(16) NOT NULL
                CONSTRAINT schema_rollouts_state_values CHECK (state IN ('RUNNING', 'COMPLETED')),
    parallelism integer     NOT NULL CONSTRAINT schema_rollouts_parallelism_positive CHECK (parallelism > 0),
    -- The project-schema locations of the replica that started it; only a replica with the same ones resumes it.
    locations   text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);

-- One rollout at a time across every replica: a second INSERT of a RUNNING rollout is a unique violation.
CREATE UNIQUE INDEX schema_rollouts_one_running_idx ON schema_rollouts ((true)) WHERE state = 'RUNNING';
CREATE INDEX schema_rollouts_created_at_idx ON schema_rollouts (created_at);

CREATE TABLE schema_rollout_items (
    rollout_id    uuid         NOT NULL REFERENCES schema_rollouts (id) ON DELETE CASCADE,
    -- No foreign key: a project deleted during the rollout keeps its item, SKIPPED.
    project_id    uuid         NOT NULL,
    project_name  varchar(255) NOT NULL,
    database_name varchar(63)  NOT NULL,
    state         varchar(16)  NOT NULL DEFAULT 'PENDING'
                  CONSTRAINT schema_rollout_items_state_values
                  CHECK (state IN ('PENDING', 'SUCCEEDED', 'FAILED', 'SKIPPED')),
    from_version  varchar(50),
    to_version    varchar(50),
    error         text,
    finished_at   timestamptz,
    PRIMARY KEY (rollout_id, project_id)
);

-- Counts by state and the pending work of a rollout.
CREATE INDEX schema_rollout_items_state_idx ON schema_rollout_items (rollout_id, state, project_name);
