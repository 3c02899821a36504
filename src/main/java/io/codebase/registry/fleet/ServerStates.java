package io.codebase.registry.fleet;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code database_servers} table. */
@Repository
class ServerStates {

	private static final String COLUMNS = "name, state, health, health_since, health_checked_at, last_error, projects, "
			+ "bytes, usage_refreshed_at";

	private final JdbcClient jdbc;

	ServerStates(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	List<ServerState> all() {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM database_servers ORDER BY name").query(ServerStates::map).list();
	}

	Optional<ServerState> find(String name) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM database_servers WHERE name = ?")
			.param(name)
			.query(ServerStates::map)
			.optional();
	}

	/**
	 * The rows of these servers, locked until the caller's transaction ends: placements decide and insert under the
	 * lock, so two replicas never both see room for the last project a server can take. Locked in name order, so
	 * concurrent placements cannot deadlock.
	 */
	List<ServerState> lock(List<String> names) {
		return this.jdbc
			.sql("SELECT " + COLUMNS + " FROM database_servers WHERE name = ANY(?) ORDER BY name FOR UPDATE")
			.param(names.toArray(String[]::new))
			.query(ServerStates::map)
			.list();
	}

	/** Sets ACTIVE or CORDONED; false when the server has no row. */
	boolean setStatus(String name, ServerState.Status status) {
		return this.jdbc.sql("UPDATE database_servers SET state = ? WHERE name = ?").param(status.name()).param(name)
			.update() == 1;
	}

	/**
	 * Records what a check saw at {@code observedAt}; {@code health_since} moves only when the health changes. An
	 * observation older than the one recorded is dropped: a check or a failed request that started during an outage
	 * but could only write after it (the registry's database was down too) must not overwrite the newer UP.
	 */
	void recordHealth(String name, ServerState.Health health, String error, Instant observedAt) {
		Timestamp observed = Timestamp.from(observedAt);
		this.jdbc.sql("""
				UPDATE database_servers
				   SET health_since = CASE WHEN health = ? THEN health_since ELSE ? END,
				       health = ?, health_checked_at = ?, last_error = ?
				 WHERE name = ? AND (health_checked_at IS NULL OR health_checked_at <= ?)""")
			.param(health.name()).param(observed).param(health.name()).param(observed).param(error).param(name)
			.param(observed)
			.update();
	}

	void recordUsage(String name, long bytes) {
		this.jdbc.sql("UPDATE database_servers SET bytes = ?, usage_refreshed_at = now() WHERE name = ?")
			.param(bytes)
			.param(name)
			.update();
	}

	private static ServerState map(ResultSet row, int number) throws SQLException {
		return new ServerState(row.getString("name"), ServerState.Status.valueOf(row.getString("state")),
				ServerState.Health.valueOf(row.getString("health")), instant(row.getTimestamp("health_since")),
				instant(row.getTimestamp("health_checked_at")), row.getString("last_error"), row.getLong("projects"),
				row.getLong("bytes"), instant(row.getTimestamp("usage_refreshed_at")));
	}

	private static Instant instant(Timestamp timestamp) {
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

}
