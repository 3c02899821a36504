-- A project that changes servers (a move's switch) locks both servers' rows in name order before its own row
-- changes: the order placement locks them in (fleet.ServerStates.lock). Without it the foreign key check locked the
-- new server's row first and the project count (V9) then waited for the old server's, while a placement held the
-- old one and waited for the new one: a deadlock, which aborted the switch (and rolled the move back) or the
-- placement (a drain's next move). V13 is taken by the moves' reservations.
CREATE FUNCTION projects_lock_servers_in_name_order() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    PERFORM 1 FROM database_servers WHERE name IN (OLD.server, NEW.server) ORDER BY name FOR UPDATE;
    RETURN NEW;
END;
$$;

CREATE TRIGGER projects_lock_servers_in_name_order
    BEFORE UPDATE OF server ON projects
    FOR EACH ROW WHEN (OLD.server IS DISTINCT FROM NEW.server)
    EXECUTE FUNCTION projects_lock_servers_in_name_order();
