package io.codebase.registry.fault;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.codebase.registry.support.TestDatabase;

/** What PostgreSQL holds at one moment: every project row, and every database with the managed prefix. */
record Snapshot(Map<UUID, Row> rows, Set<String> databases) {

	/** The columns of a project row that the invariants look at. */
	record Row(UUID id, String name, String databaseName, String state, long version, String description,
			String indexStatus) {
	}

	Snapshot {
		rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
		databases = Collections.unmodifiableSet(new TreeSet<>(databases));
	}

	/** Databases are listed first: a row is committed before its database is created, never after. */
	static Snapshot read(FaultPostgres postgres, String prefix) throws SQLException {
		Set<String> databases = new TreeSet<>();
		try (Connection server = postgres.connectServer();
				PreparedStatement query = server.prepareStatement("SELECT datname FROM pg_database WHERE starts_with(datname, ?) AND " + TestDatabase.NOT_A_MANAGED_TEMPLATE)) {
			query.setString(1, prefix);
			try (ResultSet result = query.executeQuery()) {
				while (result.next()) {
					databases.add(result.getString(1));
				}
			}
		}
		Map<UUID, Row> rows = new LinkedHashMap<>();
		try (Connection registry = postgres.connectRegistry(); Statement statement = registry.createStatement();
				ResultSet result = statement.executeQuery("SELECT id, name, database_name, state, version, description, "
						+ "index_status FROM projects ORDER BY created_at, id")) {
			while (result.next()) {
				UUID id = result.getObject(1, UUID.class);
				rows.put(id, new Row(id, result.getString(2), result.getString(3), result.getString(4), result.getLong(5),
						result.getString(6), result.getString(7)));
			}
		}
		return new Snapshot(rows, databases);
	}

	/**
	 * The projects among these whose provisioning ownership a live session holds now (the service's advisory lock,
	 * {@link TestDatabase#OWNERSHIP_LOCK_CLASS}).
	 */
	static Set<UUID> owned(FaultPostgres postgres, Collection<UUID> ids) throws SQLException {
		Set<Long> held = new HashSet<>();
		try (Connection registry = postgres.connectRegistry(); Statement statement = registry.createStatement();
				ResultSet result = statement.executeQuery("SELECT objid FROM pg_locks WHERE locktype = 'advisory' "
						+ "AND objsubid = 2 AND granted AND classid = " + TestDatabase.OWNERSHIP_LOCK_CLASS)) {
			while (result.next()) {
				held.add(result.getLong(1));
			}
		}
		Set<UUID> owned = new HashSet<>();
		ids.stream().filter(id -> held.contains(TestDatabase.ownershipLockObjid(id))).forEach(owned::add);
		return owned;
	}

	/** One project row as PostgreSQL holds it now; null when there is none. */
	static Row currentRow(FaultPostgres postgres, UUID id) throws SQLException {
		try (Connection registry = postgres.connectRegistry(); PreparedStatement query = registry.prepareStatement(
				"SELECT id, name, database_name, state, version, description, index_status FROM projects WHERE id = ?")) {
			query.setObject(1, id);
			try (ResultSet result = query.executeQuery()) {
				return result.next() ? new Row(id, result.getString(2), result.getString(3), result.getString(4),
						result.getLong(5), result.getString(6), result.getString(7)) : null;
			}
		}
	}

}
