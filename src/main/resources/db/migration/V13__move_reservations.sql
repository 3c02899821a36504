-- A move reserves room on its target from the moment it is accepted: one project until its switch, and the source
-- database's size (measured when the move started) until it finishes. Placement reads both under the servers' row
-- locks, so concurrent moves and new projects never push a target past its capacity.
ALTER TABLE project_moves ADD COLUMN expected_bytes bigint NOT NULL DEFAULT 0
    CONSTRAINT project_moves_expected_bytes_positive CHECK (expected_bytes >= 0);

-- What every placement reads: the unfinished moves to each server.
CREATE INDEX project_moves_active_target_idx ON project_moves (target_server)
    WHERE state IN ('RUNNING', 'ROLLING_BACK');
