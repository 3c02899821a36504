-- Cache coherence across replicas: every committed change of a project row is announced on the channel
-- registry_project_changed. PostgreSQL delivers a NOTIFY only when (and if) its transaction commits, so a
-- rolled-back write announces nothing. Any writer triggers it, the service or an operator's psql session.
-- Payload (JSON, well under the 8000-byte limit: names are at most 255 characters):
--   {"operation": "INSERT|UPDATE|DELETE", "id": "<uuid>", "oldName": <name before or null>,
--    "newName": <name after or null>, "version": <version after, or the deleted row's>}
CREATE FUNCTION projects_notify_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    payload json;
BEGIN
    IF TG_OP = 'INSERT' THEN
        payload := json_build_object('operation', TG_OP, 'id', NEW.id, 'oldName', NULL, 'newName', NEW.name,
                                     'version', NEW.version);
    ELSIF TG_OP = 'UPDATE' THEN
        payload := json_build_object('operation', TG_OP, 'id', NEW.id, 'oldName', OLD.name, 'newName', NEW.name,
                                     'version', NEW.version);
    ELSE
        payload := json_build_object('operation', TG_OP, 'id', OLD.id, 'oldName', OLD.name, 'newName', NULL,
                                     'version', OLD.version);
    END IF;
    PERFORM pg_notify('registry_project_changed', payload::text);
    RETURN NULL;
END;
$$;

CREATE TRIGGER projects_notify_change
    AFTER INSERT OR UPDATE OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION projects_notify_change();
