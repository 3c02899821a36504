package io.codebase.registry.fault;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The one PostgreSQL every replica shares, owned by the fault test (not {@code TestDatabase}, which other tests
 * use): it can be stopped and started again on the same data directory and port, as an outage would.
 */
final class FaultPostgres implements AutoCloseable {

	static final String REGISTRY_DATABASE = "registry";

	private final Path dataDirectory;

	private final int port;

	private EmbeddedPostgres server;

	FaultPostgres(Path dataDirectory, int port) {
		this.dataDirectory = dataDirectory;
		this.port = port;
	}

	synchronized void start() throws IOException {
		if (this.server != null) {
			return;
		}
		boolean first = !this.dataDirectory.resolve("PG_VERSION").toFile().exists();
		this.server = EmbeddedPostgres.builder()
			.setDataDirectory(this.dataDirectory)
			.setCleanDataDirectory(false)
			.setPort(this.port)
			.start();
		if (first) {
			execute(serverUrl(), "CREATE DATABASE " + REGISTRY_DATABASE);
		}
	}

	/** A fast shutdown: PostgreSQL disconnects every client, the data stays. */
	synchronized void stop() throws IOException {
		if (this.server != null) {
			this.server.close();
			this.server = null;
		}
	}

	synchronized boolean isRunning() {
		return this.server != null;
	}

	String registryUrl() {
		return "jdbc:postgresql://localhost:" + this.port + "/" + REGISTRY_DATABASE;
	}

	String serverUrl() {
		return "jdbc:postgresql://localhost:" + this.port + "/postgres";
	}

	Connection connectRegistry() throws SQLException {
		return connect(registryUrl());
	}

	Connection connectServer() throws SQLException {
		return connect(serverUrl());
	}

	/** Ends the backends whose application_name is one of these; the number ended. */
	int terminateBackends(String... applicationNames) throws SQLException {
		try (Connection connection = connectServer();
				PreparedStatement query = connection.prepareStatement("SELECT count(pg_terminate_backend(pid)) "
						+ "FROM pg_stat_activity WHERE application_name = ANY (?) AND pid <> pg_backend_pid()")) {
			query.setArray(1, connection.createArrayOf("text", applicationNames));
			try (ResultSet result = query.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
	}

	@Override
	public void close() throws IOException {
		stop();
	}

	private static Connection connect(String url) throws SQLException {
		DriverManager.setLoginTimeout(5);
		return DriverManager.getConnection(url, "postgres", "");
	}

	private static void execute(String url, String sql) throws IOException {
		try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IOException(ex);
		}
	}

}
