package io.codebase.registry.provisioning;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import io.codebase.registry.config.EmbeddedServerSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Two embedded PostgreSQL servers with the application's settings, a source and a target for moves, and the
 * project-like database the move tests copy: a table with a bigserial key, one without a primary key, and a
 * Flyway-like history table; a login {@code writer} that may connect to it and write (CONNECT revoked from
 * PUBLIC, as for project databases), and a replication login {@code mover} on the source.
 */
final class MoveServers implements AutoCloseable {

	static final String WRITER = "writer";

	static final String MOVER = "mover";

	/** With a quote and a backslash: the subscription's connection string must carry it intact. */
	static final String MOVER_PASSWORD = "it's a \\ secret";

	static final List<String> TABLES = List.of("items", "events", "flyway_schema_history");

	final EmbeddedPostgres source;

	final EmbeddedPostgres target;

	private MoveServers(EmbeddedPostgres source, EmbeddedPostgres target) {
		this.source = source;
		this.target = target;
	}

	static MoveServers start() throws IOException, SQLException {
		EmbeddedPostgres source = EmbeddedServerSettings.apply(EmbeddedPostgres.builder()).start();
		EmbeddedPostgres target = EmbeddedServerSettings.apply(EmbeddedPostgres.builder()).start();
		MoveServers servers = new MoveServers(source, target);
		for (EmbeddedPostgres server : List.of(source, target)) {
			execute(server, "postgres", "CREATE ROLE " + WRITER + " LOGIN PASSWORD 'writer'");
		}
		execute(source, "postgres", "CREATE ROLE " + MOVER + " LOGIN REPLICATION PASSWORD 'x'",
				"GRANT pg_read_all_data TO " + MOVER);
		return servers;
	}

	static ServerConnections connections(EmbeddedPostgres server) {
		return ServerConnections.of("jdbc:postgresql://localhost:" + server.getPort() + "/postgres", "postgres", "");
	}

	ServerConnections sourceConnections() {
		return connections(this.source);
	}

	ServerConnections targetConnections() {
		return connections(this.target);
	}

	ReplicationLogin login() {
		return new ReplicationLogin("localhost", this.source.getPort(), MOVER, MOVER_PASSWORD);
	}

	DatabaseMove move(String database) {
		return new DatabaseMove(sourceConnections(), login(), targetConnections(), database);
	}

	/**
	 * The database on both servers with the same tables (the caller's schema step); the source holds the rows,
	 * and each side a history row of its own, so a test sees whose history the target ends with.
	 */
	void createDatabase(String database, int items, int events) throws SQLException {
		for (EmbeddedPostgres server : List.of(this.source, this.target)) {
			execute(server, "postgres", "CREATE DATABASE " + database, "REVOKE CONNECT ON DATABASE " + database
					+ " FROM PUBLIC", "GRANT CONNECT ON DATABASE " + database + " TO " + WRITER);
			execute(server, database,
					"CREATE TABLE items (id bigserial PRIMARY KEY, payload text NOT NULL, counter int NOT NULL DEFAULT 0)",
					"CREATE TABLE events (bucket int NOT NULL, note text NOT NULL, hits int NOT NULL DEFAULT 0)",
					"CREATE INDEX events_bucket ON events (bucket)",
					"CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version text, description text)",
					"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + WRITER,
					"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO " + WRITER,
					"INSERT INTO flyway_schema_history VALUES (1, '1', '" + (server == this.source ? "source" : "target")
							+ " history')");
		}
		execute(this.source, database,
				"INSERT INTO items (payload) SELECT md5(i::text) FROM generate_series(1, " + items + ") i",
				"INSERT INTO events (bucket, note) SELECT i % 1000, md5(i::text) FROM generate_series(1, " + events + ") i");
	}

	void dropDatabase(String database) throws SQLException {
		for (EmbeddedPostgres server : List.of(this.source, this.target)) {
			execute(server, "postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
		}
	}

	/** Row count and an md5 of every row, in a fixed order, per table. */
	static List<String> checksums(EmbeddedPostgres server, String database) throws SQLException {
		List<String> sums = new ArrayList<>();
		for (String table : TABLES) {
			sums.add(table + ":" + queryString(server, database, "SELECT count(*) || ' ' || md5(coalesce(string_agg(t::text, "
					+ "'|' ORDER BY t::text), '')) FROM " + table + " t"));
		}
		return sums;
	}

	static Connection connect(EmbeddedPostgres server, String database, String user) throws SQLException {
		return DriverManager.getConnection("jdbc:postgresql://localhost:" + server.getPort() + "/" + database, user,
				user.equals(WRITER) ? "writer" : "");
	}

	static void execute(EmbeddedPostgres server, String database, String... statements) throws SQLException {
		try (Connection connection = connect(server, database, "postgres");
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	static long count(EmbeddedPostgres server, String database, String sql) throws SQLException {
		return Long.parseLong(queryString(server, database, sql));
	}

	static String queryString(EmbeddedPostgres server, String database, String sql) throws SQLException {
		try (Connection connection = connect(server, database, "postgres");
				PreparedStatement query = connection.prepareStatement(sql);
				ResultSet row = query.executeQuery()) {
			row.next();
			return row.getString(1);
		}
	}

	/** What a move may leave behind, straight from the catalogs of both servers. */
	List<String> replicationObjects(String database) throws SQLException {
		List<String> objects = new ArrayList<>();
		objects.addAll(names(this.source, "postgres", "SELECT 'source slot ' || slot_name FROM pg_replication_slots"));
		objects.addAll(names(this.source, database, "SELECT 'source publication ' || pubname FROM pg_publication"));
		objects.addAll(names(this.target, "postgres", "SELECT 'target subscription ' || subname FROM pg_subscription"));
		objects.addAll(names(this.target, "postgres", "SELECT 'target origin ' || roname FROM pg_replication_origin"));
		objects.addAll(names(this.target, "postgres", "SELECT 'target slot ' || slot_name FROM pg_replication_slots"));
		return objects;
	}

	private static List<String> names(EmbeddedPostgres server, String database, String sql) throws SQLException {
		try (Connection connection = connect(server, database, "postgres");
				Statement query = connection.createStatement();
				ResultSet rows = query.executeQuery(sql)) {
			List<String> names = new ArrayList<>();
			while (rows.next()) {
				names.add(rows.getString(1));
			}
			return names;
		}
	}

	@Override
	public void close() throws IOException {
		try {
			this.source.close();
		}
		finally {
			this.target.close();
		}
	}

}
