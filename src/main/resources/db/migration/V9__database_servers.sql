-- The fleet: the PostgreSQL servers that hold project databases. Their addresses and credentials are
-- configuration (registry.fleet.servers); what changes at run time lives here, shared by every replica.

CREATE TABLE database_servers (
    name              varchar(63) PRIMARY KEY
                      CONSTRAINT database_servers_name_rule CHECK (name ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    -- CORDONED: no new placements; its projects stay where they are.
    state             varchar(16) NOT NULL DEFAULT 'ACTIVE'
                      CONSTRAINT database_servers_state_values CHECK (state IN ('ACTIVE', 'CORDONED')),
    health            varchar(16) NOT NULL DEFAULT 'UNKNOWN'
                      CONSTRAINT database_servers_health_values CHECK (health IN ('UNKNOWN', 'UP', 'DOWN')),
    health_since      timestamptz NOT NULL DEFAULT now(),
    health_checked_at timestamptz,
    last_error        text,
    -- Kept exact by a trigger on projects, so that placement reads it under the row lock it decides with.
    projects          bigint      NOT NULL DEFAULT 0,
    -- Sum of pg_database_size over the server's project databases, refreshed on a schedule.
    bytes             bigint      NOT NULL DEFAULT 0,
    usage_refreshed_at timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now()
);

-- Every existing deployment had exactly one server: the registry's own, or registry.provisioning.url.
INSERT INTO database_servers (name) VALUES ('default');

ALTER TABLE projects ADD COLUMN server varchar(63) NOT NULL DEFAULT 'default'
    CONSTRAINT projects_server_fk REFERENCES database_servers (name);
-- From now on every insert names the server its placement chose.
ALTER TABLE projects ALTER COLUMN server DROP DEFAULT;

UPDATE database_servers SET projects = (SELECT count(*) FROM projects) WHERE name = 'default';

-- The projects of one server (reconciliation, drain), in name order.
CREATE INDEX projects_server_name_idx ON projects (server, name_key);

CREATE FUNCTION projects_count_per_server() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE database_servers SET projects = projects - 1 WHERE name = OLD.server;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE database_servers SET projects = projects + 1 WHERE name = NEW.server;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER projects_count_per_server_insert_delete
    AFTER INSERT OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION projects_count_per_server();

CREATE TRIGGER projects_count_per_server_move
    AFTER UPDATE OF server ON projects
    FOR EACH ROW WHEN (OLD.server IS DISTINCT FROM NEW.server) EXECUTE FUNCTION projects_count_per_server();
