-- Schema rollouts in waves: a canary wave, then waves by percentage, each with a failure budget; per-server
-- limits; pause, halt, resume and cancel. Everything the runner decides is written here before it acts on it
-- (the wave it is in, the item it starts), so that another replica resumes exactly where a dead one stopped.

ALTER TABLE schema_rollouts DROP CONSTRAINT schema_rollouts_state_values;
ALTER TABLE schema_rollouts ADD CONSTRAINT schema_rollouts_state_values
    CHECK (state IN ('RUNNING', 'PAUSED', 'HALTED', 'CANCELLED', 'COMPLETED'));

-- One unfinished rollout at a time: a PAUSED or HALTED one waits for resume or cancel, and blocks a new one.
DROP INDEX schema_rollouts_one_running_idx;
CREATE UNIQUE INDEX schema_rollouts_one_active_idx ON schema_rollouts ((true))
    WHERE state IN ('RUNNING', 'PAUSED', 'HALTED');

ALTER TABLE schema_rollouts
    -- Waves are numbered 0 (the canary) and 1, 2, ...; existing rollouts had one wave, 1, holding everything,
    -- no budget and no per-server limit beyond parallelism.
    ADD COLUMN current_wave          integer  NOT NULL DEFAULT 1,
    -- Cumulative percentages of the projects after the canary, one per wave 1, 2, ...
    ADD COLUMN wave_percents         integer[] NOT NULL DEFAULT '{100}',
    ADD COLUMN canary                boolean  NOT NULL DEFAULT false,
    ADD COLUMN per_server            integer  CONSTRAINT schema_rollouts_per_server_positive CHECK (per_server > 0),
    ADD COLUMN budget_count          integer  CONSTRAINT schema_rollouts_budget_count_values CHECK (budget_count >= 0),
    ADD COLUMN budget_percent        numeric(5, 2)
                                     CONSTRAINT schema_rollouts_budget_percent_values CHECK (budget_percent BETWEEN 0 AND 100),
    ADD COLUMN pause_between_waves   boolean  NOT NULL DEFAULT false,
    -- Why it is PAUSED, HALTED or CANCELLED.
    ADD COLUMN reason                text,
    ADD COLUMN updated_at            timestamptz NOT NULL DEFAULT now();

UPDATE schema_rollouts SET per_server = parallelism;
ALTER TABLE schema_rollouts ALTER COLUMN per_server SET NOT NULL;

-- Keyset paging of the list: newest first.
DROP INDEX schema_rollouts_created_at_idx;
CREATE INDEX schema_rollouts_state_created_idx ON schema_rollouts (state, created_at DESC, id DESC);
CREATE INDEX schema_rollouts_created_idx ON schema_rollouts (created_at DESC, id DESC);

ALTER TABLE schema_rollout_items DROP CONSTRAINT schema_rollout_items_state_values;
-- RUNNING: claimed by the runner before its migration starts (write-ahead); a runner that dies leaves it
-- RUNNING, and the replica that takes the rollout over migrates it again (Flyway skips what was applied).
ALTER TABLE schema_rollout_items ADD CONSTRAINT schema_rollout_items_state_values
    CHECK (state IN ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED'));

ALTER TABLE schema_rollout_items
    ADD COLUMN wave        integer     NOT NULL DEFAULT 1,
    ADD COLUMN server      varchar(63) NOT NULL DEFAULT 'default',
    -- The migration versions this rollout applied to the database, in order.
    ADD COLUMN applied     text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN attempts    integer     NOT NULL DEFAULT 0,
    ADD COLUMN started_at  timestamptz,
    ADD COLUMN duration_ms bigint;
ALTER TABLE schema_rollout_items ALTER COLUMN server DROP DEFAULT;

-- The work of one wave; failures of a wave against its budget.
CREATE INDEX schema_rollout_items_wave_idx ON schema_rollout_items (rollout_id, wave, state);
