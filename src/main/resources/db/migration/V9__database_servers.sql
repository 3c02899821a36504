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

-- The service names the server its placement chose in every insert. The default is for the replicas of the
-- previous release during a rolling update (expand, then contract): they insert without a server, and had one.
ALTER TABLE projects ADD COLUMN server varchar(63) NOT NULL DEFAULT 'default'
    CONSTRAINT projects_server_fk REFERENCES database_servers (name);

UPDATE database_servers SET projects = (SELECT count(*) FROM projects) WHERE name = 'default';

-- The projects of one server (reconciliation, drain), in name order.
CREATE INDEX projects_server_name_idx ON projects (server, name_key);

-- Statement-level, over the transition tables: a bulk insert of many projects updates each server's row once.
CREATE FUNCTION projects_count_per_server() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE database_servers s SET projects = s.projects + n.count
          FROM (SELECT server, count(*) AS count FROM new_rows GROUP BY server) n
         WHERE s.name = n.server;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE database_servers s SET projects = s.projects - o.count
          FROM (SELECT server, count(*) AS count FROM old_rows GROUP BY server) o
         WHERE s.name = o.server;
    ELSE
        -- A move: one fewer on the old server, one more on the new.
        UPDATE database_servers s SET projects = s.projects + d.delta
          FROM (SELECT server, sum(delta) AS delta
                  FROM (SELECT n.server, 1 AS delta FROM new_rows n JOIN old_rows o USING (id) WHERE n.server <> o.server
                        UNION ALL
                        SELECT o.server, -1 FROM new_rows n JOIN old_rows o USING (id) WHERE n.server <> o.server) moves
                 GROUP BY server) d
         WHERE s.name = d.server;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER projects_count_per_server_insert
    AFTER INSERT ON projects REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION projects_count_per_server();

CREATE TRIGGER projects_count_per_server_delete
    AFTER DELETE ON projects REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION projects_count_per_server();

CREATE TRIGGER projects_count_per_server_update
    AFTER UPDATE ON projects REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION projects_count_per_server();
