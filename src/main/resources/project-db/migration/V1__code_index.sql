-- The default schema of a project database: what a code-indexing client (codebase-mcp) stores per project.
-- Replace it with your own by pointing registry.provisioning.schema.locations elsewhere (see README,
-- "Project database schemas"). Only core PostgreSQL: no extension is required.

-- A source repository (a checkout) indexed into this project.
CREATE TABLE repositories (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    path            text        NOT NULL UNIQUE,
    name            text        NOT NULL,
    last_indexed_at timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- A file of a repository, as of its last indexing.
CREATE TABLE code_files (
    id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    repository_id uuid        NOT NULL REFERENCES repositories (id) ON DELETE CASCADE,
    path          text        NOT NULL,
    language      text,
    content_hash  text        NOT NULL,
    size_bytes    bigint      NOT NULL DEFAULT 0,
    line_count    integer     NOT NULL DEFAULT 0,
    indexed_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (repository_id, path)
);

-- A searchable piece of a file. The embedding is a plain float array, so no vector extension is needed;
-- a schema that uses pgvector replaces this table in its own migration.
CREATE TABLE code_chunks (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    code_file_id uuid        NOT NULL REFERENCES code_files (id) ON DELETE CASCADE,
    chunk_index  integer     NOT NULL,
    start_line   integer     NOT NULL,
    end_line     integer     NOT NULL,
    content      text        NOT NULL,
    embedding    real[],
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (code_file_id, chunk_index),
    CHECK (end_line >= start_line)
);

CREATE INDEX code_files_language_idx ON code_files (language);
CREATE INDEX code_chunks_search_idx ON code_chunks USING gin (to_tsvector('simple', content));
