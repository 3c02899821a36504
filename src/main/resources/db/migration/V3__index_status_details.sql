-- What clients last reported about indexing a project, and when.
ALTER TABLE projects
    ADD COLUMN index_message     text,
    ADD COLUMN index_reported_at timestamptz,
    ADD COLUMN index_updated_at  timestamptz;

-- List filter by index status.
CREATE INDEX projects_index_status_name_idx ON projects (index_status, name_key);
