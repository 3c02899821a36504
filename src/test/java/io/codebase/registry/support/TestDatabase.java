package io.codebase.registry.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.codebase.registry.config.EmbeddedServerSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * The real PostgreSQL every test talks to: an embedded PostgreSQL 17 started once per JVM, or the external
 * server named by {@code REGISTRY_TEST_JDBC_URL} (with {@code REGISTRY_TEST_USERNAME} and
 * {@code REGISTRY_TEST_PASSWORD}); the user needs the CREATEDB and CREATEROLE privileges.
 */
public final class TestDatabase {

	/** SQL: the database of the row is not a registry-managed template. */
	public static final String NOT_A_MANAGED_TEMPLATE = "datname !~ 'template_[a-f0-9]{8}_schema$'";

	private static final Pattern MANAGED_TEMPLATE = Pattern.compile("template_[a-f0-9]{8}_schema$");

	private static TestDatabase instance;

	private final String jdbcUrl;

	private final String username;

	private final String password;

	/**
	 * For the one-statement helpers ({@link #count}, {@link #execute}): tests poll with them thousands of times, and
	 * a new connection each time (a backend process forked and its caches loaded) was a third of the fuzz test's run.
	 * {@link #connect()} still opens a connection of its own, for tests whose session state matters.
	 */
	private final HikariDataSource statements;

	private TestDatabase(String jdbcUrl, String username, String password) {
		this.jdbcUrl = jdbcUrl;
		this.username = username;
		this.password = password;
		HikariConfig pool = new HikariConfig();
		pool.setJdbcUrl(jdbcUrl);
		pool.setUsername(username);
		pool.setPassword(password);
		pool.setPoolName("test-statements");
		pool.setMaximumPoolSize(4);
		pool.setMinimumIdle(0);
		pool.setIdleTimeout(10_000);
		this.statements = new HikariDataSource(pool);
	}

	public static synchronized TestDatabase get() {
		if (instance == null) {
			instance = start();
		}
		return instance;
	}

	private static TestDatabase start() {
		String external = System.getenv("REGISTRY_TEST_JDBC_URL");
		if (external != null && !external.isBlank()) {
			System.out.println("[TestDatabase] Using the external PostgreSQL at " + external);
			return new TestDatabase(external, System.getenv().getOrDefault("REGISTRY_TEST_USERNAME", "postgres"),
					System.getenv().getOrDefault("REGISTRY_TEST_PASSWORD", ""));
		}
		try {
			// Password authentication for every login but the superuser's, so that credentials' passwords and
			// VALID UNTIL are really checked (initdb's default is trust for everyone).
			EmbeddedPostgres postgres = EmbeddedServerSettings.apply(EmbeddedPostgres.builder())
				.setDataDirectoryCustomizer(TestDatabase::passwordLogins)
				.start();
			try (Connection connection = postgres.getPostgresDatabase().getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("CREATE DATABASE registry_test");
			}
			System.out.println("[TestDatabase] Started embedded PostgreSQL on port " + postgres.getPort());
			return new TestDatabase("jdbc:postgresql://localhost:" + postgres.getPort() + "/registry_test", "postgres", "");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void passwordLogins(File dataDirectory) {
		try {
			Files.writeString(dataDirectory.toPath().resolve("pg_hba.conf"), """
					local all postgres trust
					host all postgres 127.0.0.1/32 trust
					host all postgres ::1/128 trust
					local all all scram-sha-256
					host all all 127.0.0.1/32 scram-sha-256
					host all all ::1/128 scram-sha-256
					""");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Spring properties that point an application at this database. */
	public Map<String, Object> properties() {
		return Map.of("spring.datasource.url", this.jdbcUrl, "spring.datasource.username", this.username,
				"spring.datasource.password", this.password);
	}

	public String jdbcUrl() {
		return this.jdbcUrl;
	}

	/** The same, as Spring Boot hands it to components that open connections of their own. */
	public JdbcConnectionDetails connectionDetails() {
		return new JdbcConnectionDetails() {

			@Override
			public String getJdbcUrl() {
				return TestDatabase.this.jdbcUrl;
			}

			@Override
			public String getUsername() {
				return TestDatabase.this.username;
			}

			@Override
			public String getPassword() {
				return TestDatabase.this.password;
			}

		};
	}

	public String username() {
		return this.username;
	}

	public Connection connect() throws SQLException {
		return DriverManager.getConnection(this.jdbcUrl, this.username, this.password);
	}

	public boolean databaseExists(String name) {
		return count("SELECT count(*) FROM pg_database WHERE datname = ?", name) == 1;
	}

	/** Databases whose name starts with the prefix ({@code _} matches itself), managed templates left out. */
	public long databasesStartingWith(String prefix) {
		return count("SELECT count(*) FROM pg_database WHERE starts_with(datname, ?) AND " + NOT_A_MANAGED_TEMPLATE, prefix);
	}

	/**
	 * The databases on the server, managed templates left out: a create builds its server's template in the
	 * background, so counts around a create would otherwise depend on whether another test built it first.
	 */
	public long databaseCount() {
		return count("SELECT count(*) FROM pg_database WHERE " + NOT_A_MANAGED_TEMPLATE);
	}

	/** Whether a database is one of the registry-managed templates ({@code <prefix>template_<8 hex>_schema}). */
	public static boolean isManagedTemplate(String databaseName) {
		return MANAGED_TEMPLATE.matcher(databaseName).find();
	}

	/**
	 * Drops a database a test left behind; a managed template is made an ordinary database first, since PostgreSQL
	 * refuses to drop a template.
	 */
	public static void dropDatabase(Connection server, String databaseName) throws SQLException {
		try (Statement statement = server.createStatement()) {
			if (isManagedTemplate(databaseName)) {
				statement.execute("ALTER DATABASE \"" + databaseName + "\" IS_TEMPLATE false");
			}
			statement.execute("DROP DATABASE IF EXISTS \"" + databaseName + "\" WITH (FORCE)");
		}
	}

	/** {@link #dropDatabase(Connection, String)} on this server. */
	public void dropDatabase(String databaseName) {
		try (Connection connection = connect()) {
			dropDatabase(connection, databaseName);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public long count(String sql, Object... parameters) {
		try (Connection connection = this.statements.getConnection(); PreparedStatement query = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				query.setObject(i + 1, parameters[i]);
			}
			try (ResultSet result = query.executeQuery()) {
				result.next();
				return result.getLong(1);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The first column of every row the query returns, in its order. */
	public List<String> strings(String sql, Object... parameters) {
		try (Connection connection = this.statements.getConnection(); PreparedStatement query = connection.prepareStatement(sql)) {
			for (int i = 0; i < parameters.length; i++) {
				query.setObject(i + 1, parameters[i]);
			}
			List<String> values = new ArrayList<>();
			try (ResultSet result = query.executeQuery()) {
				while (result.next()) {
					values.add(result.getString(1));
				}
			}
			return values;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public void execute(String sql) {
		try (Connection connection = this.statements.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Commits a change with the change-notification trigger off for its transaction (the ALTER's lock keeps other
	 * writers out meanwhile): a change no replica hears about, to prove an answer came from a cache.
	 */
	public void executeUnannounced(String sql) {
		try (Connection connection = this.statements.getConnection(); Statement statement = connection.createStatement()) {
			connection.setAutoCommit(false);
			statement.execute("ALTER TABLE projects DISABLE TRIGGER projects_notify_change");
			statement.execute(sql);
			statement.execute("ALTER TABLE projects ENABLE TRIGGER projects_notify_change");
			connection.commit();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The class of the service's ProvisioningOwnership advisory lock: pg_locks lists it as classid (objsubid 2). */
	public static final int OWNERSHIP_LOCK_CLASS = 0x5c4e_7a02;

	/** The objid under which pg_locks lists a project's ownership lock: the id's hash, unsigned. */
	public static long ownershipLockObjid(UUID projectId) {
		return Integer.toUnsignedLong(projectId.hashCode());
	}

	/**
	 * Holds a project's ownership as another replica would while it provisions or deletes the project: the same
	 * session-level advisory lock as the service's ProvisioningOwnership ({@link #OWNERSHIP_LOCK_CLASS}, key the
	 * id's hash), released when the returned connection is closed.
	 */
	public Connection holdOwnership(UUID projectId) throws SQLException {
		Connection connection = connect();
		try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?, ?)")) {
			lock.setInt(1, OWNERSHIP_LOCK_CLASS);
			lock.setInt(2, projectId.hashCode());
			lock.execute();
		}
		return connection;
	}

}
