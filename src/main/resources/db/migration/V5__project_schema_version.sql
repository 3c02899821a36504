-- The version of the project schema (the Flyway migrations for project databases) that a project's database
-- was last migrated to. Null: never migrated by the registry (the schema step was disabled, or the project
-- predates it).
ALTER TABLE projects ADD COLUMN schema_version varchar(50);

-- List filter by schema version, e.g. the projects a rollout has not reached yet.
CREATE INDEX projects_schema_version_name_idx ON projects (schema_version, name_key);
