-- Cursor pages of the project list: every offered sort is (key, id), read from an index in either direction, and
-- a page after a cursor starts with a row comparison (key, id) > (:key, :id) that the index seeks to.
-- Already there: (name_key) unique, (created_at, id), (updated_at, id), and (filter, name_key) for each filter.

-- Sort by state, and the state filter with the default name sort's tie-breaker.
CREATE INDEX projects_state_id_idx ON projects (state, id);
-- The state filter (the one operators use most, and the most skewed) with either timestamp sort.
CREATE INDEX projects_state_created_at_idx ON projects (state, created_at, id);
CREATE INDEX projects_state_updated_at_idx ON projects (state, updated_at, id);
