-- The registry's single source of truth: one row per project, one PostgreSQL database per row.

CREATE TABLE projects (
    id            uuid         PRIMARY KEY,
    -- The codebase-mcp name rule; ProjectName.REGEX in the service is the same expression (a test compares them).
    name          varchar(255) NOT NULL
                  CONSTRAINT projects_name_rule CHECK (name ~ '^[A-Za-z0-9]([A-Za-z0-9_ -]{0,253}[A-Za-z0-9])?$'),
    -- Uniqueness is case-insensitive: 'my-app' and 'My-App' are the same project.
    name_key      varchar(255) GENERATED ALWAYS AS (lower(name)) STORED,
    description   text,
    database_name varchar(63)  NOT NULL
                  CONSTRAINT projects_database_name_rule CHECK (database_name ~ '^[a-z][a-z0-9_]*_[a-f0-9]{8}$'),
    state         varchar(16)  NOT NULL
                  CONSTRAINT projects_state_values CHECK (state IN ('PROVISIONING', 'READY', 'FAILED', 'DELETING')),
    index_status  varchar(16)  NOT NULL DEFAULT 'NOT_INDEXED'
                  CONSTRAINT projects_index_status_values CHECK (index_status IN ('NOT_INDEXED', 'INDEXING', 'INDEXED', 'FAILED')),
    source_path   text,
    metadata      jsonb        NOT NULL DEFAULT '{}'::jsonb
                  CONSTRAINT projects_metadata_is_object CHECK (jsonb_typeof(metadata) = 'object'),
    last_error    text,
    version       bigint       NOT NULL DEFAULT 0,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT projects_name_key_unique UNIQUE (name_key),
    CONSTRAINT projects_database_name_unique UNIQUE (database_name)
);

-- Name-prefix filters (LIKE 'abc%') whatever the database collation is.
CREATE INDEX projects_name_key_prefix_idx ON projects (name_key text_pattern_ops);
-- Filtered and sorted list pages stay index-driven at 100,000+ rows.
CREATE INDEX projects_state_name_idx ON projects (state, name_key);
CREATE INDEX projects_created_at_idx ON projects (created_at, id);
CREATE INDEX projects_updated_at_idx ON projects (updated_at, id);

-- A database name is fixed for the life of a project: renaming it would orphan the database.
CREATE FUNCTION projects_database_name_immutable() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF NEW.database_name IS DISTINCT FROM OLD.database_name THEN
        RAISE EXCEPTION 'database_name of project % is immutable', OLD.id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER projects_database_name_immutable
    BEFORE UPDATE OF database_name ON projects
    FOR EACH ROW EXECUTE FUNCTION projects_database_name_immutable();
