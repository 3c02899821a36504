package io.codebase.registry.rollout;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Rollouts and their items in PostgreSQL ({@code schema_rollouts}, {@code schema_rollout_items}): the progress of
 * a rollout is these rows, so it survives a restart. Plain SQL, because items are created and counted in bulk.
 */
@Repository
class RolloutStore {

	/** Locations are stored as one text, joined by this (it cannot occur in a Flyway location list item). */
	private static final String LOCATION_SEPARATOR = ",";

	private final JdbcClient jdbc;

	RolloutStore(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Inserts a RUNNING rollout; a unique violation means another one is running. */
	void insert(UUID id, int parallelism, List<String> locations) {
		this.jdbc.sql("INSERT INTO schema_rollouts (id, state, parallelism, locations) VALUES (?, 'RUNNING', ?, ?)")
			.params(id, parallelism, String.join(LOCATION_SEPARATOR, locations))
			.update();
	}

	/**
	 * Adds one PENDING item per READY project that matches: all of them, or only {@code projectIds}, or only those
	 * at {@code schemaVersion} (null: any; {@code none}: never migrated). Returns how many.
	 */
	int addItems(UUID rolloutId, Collection<UUID> projectIds, String schemaVersion, boolean noSchemaVersion) {
		StringBuilder sql = new StringBuilder("""
				INSERT INTO schema_rollout_items (rollout_id, project_id, project_name, database_name)
				SELECT :rollout, id, name, database_name FROM projects WHERE state = 'READY'""");
		JdbcClient.StatementSpec statement;
		if (projectIds != null) {
			sql.append(" AND id = ANY(:ids)");
		}
		if (noSchemaVersion) {
			sql.append(" AND schema_version IS NULL");
		}
		else if (schemaVersion != null) {
			sql.append(" AND schema_version = :schemaVersion");
		}
		statement = this.jdbc.sql(sql.toString()).param("rollout", rolloutId);
		if (projectIds != null) {
			statement = statement.param("ids", projectIds.toArray(UUID[]::new));
		}
		if (schemaVersion != null && !noSchemaVersion) {
			statement = statement.param("schemaVersion", schemaVersion);
		}
		return statement.update();
	}

	Optional<RolloutRow> find(UUID id) {
		return this.jdbc.sql("SELECT * FROM schema_rollouts WHERE id = ?").param(id).query(RolloutStore::rollout).optional();
	}

	Optional<RolloutRow> findRunning() {
		return this.jdbc.sql("SELECT * FROM schema_rollouts WHERE state = 'RUNNING'")
			.query(RolloutStore::rollout)
			.optional();
	}

	Map<ItemState, Long> countByState(UUID rolloutId) {
		Map<ItemState, Long> counts = new EnumMap<>(ItemState.class);
		Arrays.stream(ItemState.values()).forEach(state -> counts.put(state, 0L));
		this.jdbc.sql("SELECT state, count(*) FROM schema_rollout_items WHERE rollout_id = ? GROUP BY state")
			.param(rolloutId)
			.query((rs, row) -> Map.entry(ItemState.valueOf(rs.getString(1)), rs.getLong(2)))
			.list()
			.forEach(entry -> counts.put(entry.getKey(), entry.getValue()));
		return counts;
	}

	/** A page of items, FAILED first, then by project name; {@code state} null: every state. */
	List<RolloutItem> items(UUID rolloutId, ItemState state, int page, int size) {
		return this.jdbc.sql("""
				SELECT * FROM schema_rollout_items
				WHERE rollout_id = :rollout AND (CAST(:state AS varchar) IS NULL OR state = :state)
				ORDER BY state <> 'FAILED', project_name, project_id
				LIMIT :limit OFFSET :offset""")
			.param("rollout", rolloutId)
			.param("state", (state != null) ? state.name() : null)
			.param("limit", size)
			.param("offset", (long) page * size)
			.query(RolloutStore::item)
			.list();
	}

	List<RolloutItem> pendingItems(UUID rolloutId) {
		return this.jdbc.sql("SELECT * FROM schema_rollout_items WHERE rollout_id = ? AND state = 'PENDING' ORDER BY project_name")
			.param(rolloutId)
			.query(RolloutStore::item)
			.list();
	}

	void finishItem(UUID rolloutId, UUID projectId, ItemState state, String fromVersion, String toVersion, String error) {
		this.jdbc.sql("""
				UPDATE schema_rollout_items SET state = ?, from_version = ?, to_version = ?, error = ?, finished_at = now()
				WHERE rollout_id = ? AND project_id = ?""")
			.params(state.name(), fromVersion, toVersion, error, rolloutId, projectId)
			.update();
	}

	/** Marks the rollout COMPLETED once no item is pending; returns whether it did. */
	boolean completeIfDone(UUID rolloutId) {
		return this.jdbc.sql("""
				UPDATE schema_rollouts SET state = 'COMPLETED', finished_at = now()
				WHERE id = ? AND state = 'RUNNING'
				  AND NOT EXISTS (SELECT 1 FROM schema_rollout_items WHERE rollout_id = ? AND state = 'PENDING')""")
			.params(rolloutId, rolloutId)
			.update() == 1;
	}

	private static RolloutRow rollout(ResultSet rs, int row) throws SQLException {
		return new RolloutRow(rs.getObject("id", UUID.class), RolloutState.valueOf(rs.getString("state")),
				rs.getInt("parallelism"), List.of(rs.getString("locations").split(LOCATION_SEPARATOR)),
				instant(rs, "created_at"), instant(rs, "finished_at"));
	}

	private static RolloutItem item(ResultSet rs, int row) throws SQLException {
		return new RolloutItem(rs.getObject("project_id", UUID.class), rs.getString("project_name"),
				rs.getString("database_name"), ItemState.valueOf(rs.getString("state")), rs.getString("from_version"),
				rs.getString("to_version"), rs.getString("error"), instant(rs, "finished_at"));
	}

	private static Instant instant(ResultSet rs, String column) throws SQLException {
		Timestamp timestamp = rs.getTimestamp(column);
		return (timestamp != null) ? timestamp.toInstant() : null;
	}

	/** A row of {@code schema_rollouts}. */
	record RolloutRow(UUID id, RolloutState state, int parallelism, List<String> locations, Instant createdAt,
			Instant finishedAt) {
	}

}
